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
