import type { Plugin } from 'graphql-yoga';

const REDACTED = '[redacted]';
// Shorter strings are not secrets and redacting them would garble messages ("n" in "not").
const MIN_LENGTH = 3;

/**
 * graphql-js quotes the offending variable value in coercion errors ("got invalid value { secret: "…" }"),
 * which would echo a token or private key back to the client. Every string sent as a variable is removed
 * from error messages before the response is written.
 */
export function redactVariableValuesInErrors(): Plugin {
  return {
    onExecute({ args }) {
      const values = stringLeaves(args.variableValues).filter((value) => value.length >= MIN_LENGTH);
      if (values.length === 0) return;
      // Longest first, so a value containing another is removed whole.
      const needles = [...new Set(values.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]))].sort((a, b) => b.length - a.length);
      return {
        onExecuteDone({ result }) {
          if (!('errors' in result) || !result.errors) return;
          for (const error of result.errors) {
            let message = error.message;
            for (const needle of needles) message = message.split(needle).join(REDACTED);
            if (message !== error.message) (error as { message: string }).message = message;
          }
        },
      };
    },
  };
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}
