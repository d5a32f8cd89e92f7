/** A failure the CLI explains in one line, without a stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line about an error: Prisma's messages span many lines, and pg's AggregateError (IPv4 and IPv6 refused) has none. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return describeError(error.errors[0]);
  if (error instanceof Error) {
    const lines = error.message.split('\n').map((line) => line.trim()).filter(Boolean);
    const code = (error as NodeJS.ErrnoException).code;
    const message = lines.at(-1) ?? (typeof code === 'string' ? code : error.name);
    return message;
  }
  return String(error);
}
