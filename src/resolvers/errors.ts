/** Expected failures that services raise; the schema maps each to a GraphQL type implementing `Error`. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** Also what a caller gets for something that exists but is outside what it may see: no hint that it exists. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class NotAllowedError extends DomainError {
  readonly code = 'NOT_ALLOWED';
  constructor(message: string) {
    super(message);
    this.name = 'NotAllowedError';
  }
}

export class AuthenticationError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'A valid API key is required in the x-api-key header') {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The application's Git provider was removed (with `force`): it cannot deploy until given one again. */
export class ApplicationDetachedError extends DomainError {
  readonly code = 'APPLICATION_DETACHED';
  constructor(name: string) {
    super(`Application “${name}” has no Git provider (its provider was removed); give it one with updateApplication to deploy again`);
    this.name = 'ApplicationDetachedError';
  }
}

/** removeGitProvider without `force` on a provider that applications use. */
export class GitProviderInUseError extends DomainError {
  readonly code = 'GIT_PROVIDER_IN_USE';
  constructor(readonly applications: { id: string; name: string }[]) {
    super(
      `The provider is used by ${applications.length} application(s): ${applications.map((a) => a.name).join(', ')}. ` +
        'Remove them, give them another provider, or remove it with force: true to detach them',
    );
    this.name = 'GitProviderInUseError';
  }
}
