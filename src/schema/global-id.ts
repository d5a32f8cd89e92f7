import { decodeGlobalID } from '@pothos/plugin-relay';
import { NotFoundError } from '../resolvers/errors.js';

/**
 * The database id behind a global ID of one of `typenames`. A malformed ID, or one of another type,
 * names nothing: it answers NotFound like any object the caller cannot see.
 */
export function decodeIdOf(globalId: string | number, typenames: readonly string[], what: string): { typename: string; id: string } {
  try {
    const decoded = decodeGlobalID(String(globalId));
    if (typenames.includes(decoded.typename)) return decoded;
  } catch {
    // malformed: falls through to NotFound
  }
  throw new NotFoundError(what);
}
