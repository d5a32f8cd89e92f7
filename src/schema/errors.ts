import { DomainError, NotAllowedError, NotFoundError, ValidationError } from '../resolvers/errors.js';
import { builder } from './builder.js';

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'Every expected failure of a mutation: select `... on Error { message code }` to handle any of them.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code', { description: 'A stable machine-readable code, e.g. VALIDATION_FAILED, NOT_FOUND, NOT_ALLOWED.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The input field at fault.' }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'No such object, or none the caller may see.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
});

builder.objectType(NotAllowedError, {
  name: 'NotAllowedError',
  description: 'The caller may see the object but not do this to it.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotAllowedError,
});

/** The failures every mutation can answer with. */
export const mutationErrors = [ValidationError, NotFoundError, NotAllowedError];
