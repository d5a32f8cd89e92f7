/** A BBQL string literal: double quotes, with `\` and `"` escaped. */
export function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `name ~ "…"`: Bitbucket's case-insensitive substring match on the name. */
export function nameContains(search: string): string {
  return `name ~ ${bbqlString(search)}`;
}
