/**
 * The slice of BBQL (Bitbucket's filter language) the fake understands: `field op "string"` terms joined by
 * `AND`, with `~` (case-insensitive contains), `=` and `!=`. Anything else is a 400, as the real API answers
 * a query it cannot parse.
 */
export type Predicate = (item: Record<string, unknown>) => boolean;

export class BbqlError extends Error {}

export function parseBbql(query: string, fields: readonly string[]): Predicate {
  const terms: Predicate[] = [];
  let rest = query.trim();
  for (;;) {
    const head = /^([a-z_.]+)\s*(~|!=|=)\s*"/i.exec(rest);
    if (!head) throw new BbqlError(`Invalid query: ${query}`);
    const [, field, op] = head as unknown as [string, string, string];
    if (!fields.includes(field)) throw new BbqlError(`Invalid field name: ${field}`);
    let i = head[0].length;
    let value = '';
    for (; i < rest.length && rest[i] !== '"'; i++) {
      if (rest[i] === '\\') i++;
      if (i >= rest.length) break;
      value += rest[i];
    }
    if (rest[i] !== '"') throw new BbqlError(`Invalid query: unterminated string in ${query}`);
    terms.push(term(field, op, value));
    rest = rest.slice(i + 1).trim();
    if (!rest) break;
    const and = /^AND\s+/i.exec(rest);
    if (!and) throw new BbqlError(`Invalid query: ${query}`);
    rest = rest.slice(and[0].length);
  }
  return (item) => terms.every((t) => t(item));
}

function term(field: string, op: string, value: string): Predicate {
  const read = (item: Record<string, unknown>) => {
    let current: unknown = item;
    for (const part of field.split('.')) current = (current as Record<string, unknown> | undefined)?.[part];
    return typeof current === 'string' ? current : String(current ?? '');
  };
  if (op === '~') return (item) => read(item).toLowerCase().includes(value.toLowerCase());
  if (op === '=') return (item) => read(item) === value;
  return (item) => read(item) !== value;
}
