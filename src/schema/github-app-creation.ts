import { startGitHubAppCreation, type StartedAppCreation } from '../resolvers/github-app-creation.js';
import { builder } from './builder.js';
import { mutationErrors } from './errors.js';

const StartGitHubAppCreationInput = builder.inputType('StartGitHubAppCreationInput', {
  fields: (t) => ({
    name: t.field({ type: 'NonEmptyString', required: true, description: 'The App’s name on GitHub (at most 34 characters, unique on GitHub); also the provider’s name.' }),
    githubUrl: t.field({ type: 'URL', description: 'Default https://github.com; the host of a GitHub Enterprise Server or a ghe.com host.' }),
    organization: t.string({ description: 'Create the App owned by this GitHub organization instead of the user’s account.' }),
  }),
});

const StartGitHubAppCreationSuccess = builder.objectRef<StartedAppCreation>('StartGitHubAppCreationSuccess').implement({
  description:
    'Post `manifest` as the form field `manifest` to `url` from the browser (or open `pageUrl`, which does it). GitHub creates the App and ' +
    'sends the browser back to /api/github/setup, which creates the GitHub provider with its credentials sealed and links to the App’s installation.',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'The form action: GitHub’s “new App” page (the user’s or the organization’s), with the state.' }),
    manifest: t.exposeString('manifest', { description: 'The App manifest, as JSON.' }),
    state: t.exposeString('state', { description: 'Single-use, bound to the caller and the organization; expires at `expiresAt` (10 minutes).' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    pageUrl: t.exposeString('pageUrl', { description: 'A page of this service with a button that posts the manifest to `url`.' }),
  }),
});

builder.mutationField('startGitHubAppCreation', (t) =>
  t.field({
    type: StartGitHubAppCreationSuccess,
    description:
      'Starts creating a GitHub App from a manifest (any member may; the provider it ends in is theirs). Its webhook, redirect and setup URLs point at PUBLIC_URL.',
    errors: { types: mutationErrors, directResult: true },
    args: { input: t.arg({ type: StartGitHubAppCreationInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      startGitHubAppCreation(ctx, ctx.viewer, {
        name: input.name,
        githubUrl: input.githubUrl ? input.githubUrl.toString() : null,
        organization: input.organization ?? null,
      }),
  }),
);
