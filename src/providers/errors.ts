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

/**
 * The forge refused to refresh the provider's OAuth token (GitLab/Gitea `invalid_grant`), or refused it
 * earlier and nobody has reconnected since: the provider is in `REAUTHORIZATION_REQUIRED` and every call
 * fails with this until new tokens are stored. `reason` is the forge's own explanation, when it gave one.
 */
export class ForgeReauthorizationRequiredError extends ForgeError {
  readonly code = 'FORGE_REAUTHORIZATION_REQUIRED';
  constructor(
    readonly forgeName: string,
    readonly reason: string | null,
  ) {
    super(
      `${forgeName} refused to refresh the provider's access token${reason ? ` (${reason})` : ''}; reconnect the provider (authorizeGitProvider) to authorize it again`,
    );
    this.name = 'ForgeReauthorizationRequiredError';
  }
}

/**
 * The provider's GitHub App installation is gone: deleted (GitHub answers 404 for it, as the App) or
 * suspended (403). The provider moves to `INSTALLATION_REMOVED` and every call fails with this, without
 * asking GitHub, until the provider's installation ID is updated. `reason` says which ("deleted" or
 * "suspended"); `installationId` is the installation the provider named (not a secret).
 */
export class ForgeInstallationRemovedError extends ForgeError {
  readonly code = 'FORGE_INSTALLATION_REMOVED';
  constructor(
    readonly installationId: string | null,
    readonly reason: string | null,
  ) {
    super(
      `GitHub App installation ${installationId ?? '(none)'} ${
        reason === 'suspended' ? 'is suspended' : 'not found (deleted, or an installation of another App)'
      }; reinstall the GitHub App (or have an owner of the account unsuspend it) and update the provider's installation ID (githubInstallationId) to reconnect it`,
    );
    this.name = 'ForgeInstallationRemovedError';
  }
}
