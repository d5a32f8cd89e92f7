import { DomainError } from '../resolvers/errors.js';

/**
 * Failures of a forge call, as typed errors. Messages are written here, never copied from a client error
 * object (those carry request headers, i.e. tokens) and never include a forge body verbatim.
 */
export abstract class ForgeError extends DomainError {}

export class ForgeAuthFailedError extends ForgeError {
  readonly code = 'FORGE_AUTH_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ForgeAuthFailedError';
  }
}

/** The installation, workspace, group, repository or branch named by the provider or the query does not exist (or is not visible). */
export class ForgeNotFoundError extends ForgeError {
  readonly code = 'FORGE_NOT_FOUND';
  constructor(message: string) {
    super(message);
    this.name = 'ForgeNotFoundError';
  }
}

export class ForgeUnreachableError extends ForgeError {
  readonly code = 'FORGE_UNREACHABLE';
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'ForgeUnreachableError';
  }
}

export class ForgeRateLimitedError extends ForgeError {
  readonly code = 'FORGE_RATE_LIMITED';
  constructor(
    message: string,
    readonly resetAt: Date | null,
  ) {
    super(message);
    this.name = 'ForgeRateLimitedError';
  }
}

/** The provider's settings cannot work (missing credentials, a group that does not exist, …). */
export class ForgeMisconfiguredError extends ForgeError {
  readonly code = 'FORGE_MISCONFIGURED';
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ForgeMisconfiguredError';
  }
}

/** The forge URL resolves to a loopback, link-local or private address the operator has not allowed. */
export class ForgeAddressNotAllowedError extends ForgeError {
  readonly code = 'FORGE_ADDRESS_NOT_ALLOWED';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      // The address itself stays out of the message: it would tell an API user how internal names resolve.
      `${host} resolves to a private, loopback or link-local address; an operator can allow it with FORGEGRAPH_ALLOWED_PRIVATE_HOSTS`,
    );
    this.name = 'ForgeAddressNotAllowedError';
  }
}
