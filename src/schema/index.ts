import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './errors.js';
import './organization.js';
import './user.js';
import './member.js';
import './api-key.js';
import './viewer.js';
import './git-provider.js';
import './github-provider.js';
import './gitlab-provider.js';
import './bitbucket-provider.js';
import './gitea-provider.js';
import './forge-errors.js';
import './repository.js';
import './connection-check.js';
import './connection-state.js';
import './github-app-creation.js';
import './oauth-authorization.js';
import './application.js';
import './deployment.js';
import './webhook-delivery.js';
import './preview.js';

export const schema = builder.toSchema();

/** The committed `schema.graphql`: sorted, so it changes only when the API does. */
export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(schema));
}
