import { createGraphQLError } from 'graphql-yoga';
import {
  ForgeAddressNotAllowedError,
  ForgeAuthFailedError,
  ForgeError,
  ForgeInstallationRemovedError,
  ForgeMisconfiguredError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeReauthorizationRequiredError,
  ForgeUnreachableError,
} from '../providers/errors.js';
import { builder } from './builder.js';
import { ErrorInterface } from './errors.js';

builder.objectType(ForgeAuthFailedError, {
  name: 'ForgeAuthFailedError',
  description: 'The forge refused the credentials (wrong, expired, revoked, or a suspended installation).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeAuthFailedError,
});

builder.objectType(ForgeNotFoundError, {
  name: 'ForgeNotFoundError',
  description: 'The forge does not know the installation, workspace, group, repository or branch (or hides it from these credentials).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeNotFoundError,
});

builder.objectType(ForgeUnreachableError, {
  name: 'ForgeUnreachableError',
  description: 'The forge could not be reached, did not answer in time, or kept failing after retries.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeUnreachableError,
  fields: (t) => ({ timedOut: t.exposeBoolean('timedOut') }),
});

builder.objectType(ForgeRateLimitedError, {
  name: 'ForgeRateLimitedError',
  description: 'The forge is rate limiting these credentials; retry after `resetAt`.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeRateLimitedError,
  fields: (t) => ({ resetAt: t.expose('resetAt', { type: 'DateTime', nullable: true }) }),
});

builder.objectType(ForgeMisconfiguredError, {
  name: 'ForgeMisconfiguredError',
  description: 'The provider’s settings cannot work as they are (missing credentials, a group that does not exist, …).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeMisconfiguredError,
  fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
});

builder.objectType(ForgeAddressNotAllowedError, {
  name: 'ForgeAddressNotAllowedError',
  description: 'The forge URL resolves to a private, loopback or link-local address that the operator has not allowed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeAddressNotAllowedError,
  fields: (t) => ({ host: t.exposeString('host') }),
});

builder.objectType(ForgeReauthorizationRequiredError, {
  name: 'ForgeReauthorizationRequiredError',
  description:
    'The forge refused to refresh the provider’s OAuth token (connectionState REAUTHORIZATION_REQUIRED): reconnect it with authorizeGitProvider. `reason` is the forge’s own explanation.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeReauthorizationRequiredError,
  fields: (t) => ({ reason: t.exposeString('reason', { nullable: true }) }),
});

builder.objectType(ForgeInstallationRemovedError, {
  name: 'ForgeInstallationRemovedError',
  description:
    'The provider’s GitHub App installation is gone (connectionState INSTALLATION_REMOVED): reinstall the App and update the provider’s githubInstallationId. `reason` is "deleted" or "suspended".',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForgeInstallationRemovedError,
  fields: (t) => ({ reason: t.exposeString('reason', { nullable: true }) }),
});

export const forgeErrors = [
  ForgeAuthFailedError,
  ForgeNotFoundError,
  ForgeUnreachableError,
  ForgeRateLimitedError,
  ForgeMisconfiguredError,
  ForgeAddressNotAllowedError,
  ForgeReauthorizationRequiredError,
  ForgeInstallationRemovedError,
];

/**
 * Query fields (connections) answer a forge failure as a GraphQL error whose `extensions.code` is the
 * typed error's code, with its details (resetAt, timedOut, field, host, reason) beside it.
 */
export async function asGraphQLForgeErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ForgeError)) throw error;
    const details: Record<string, unknown> = { code: error.code };
    if (error instanceof ForgeRateLimitedError) details.resetAt = error.resetAt?.toISOString() ?? null;
    if (error instanceof ForgeUnreachableError) details.timedOut = error.timedOut;
    if (error instanceof ForgeMisconfiguredError) details.field = error.field;
    if (error instanceof ForgeAddressNotAllowedError) details.host = error.host;
    if (error instanceof ForgeReauthorizationRequiredError) details.reason = error.reason;
    if (error instanceof ForgeInstallationRemovedError) details.reason = error.reason;
    throw createGraphQLError(error.message, { extensions: details });
  }
}
