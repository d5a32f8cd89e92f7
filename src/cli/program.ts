import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.js';
import { ValidationError } from '../resolvers/errors.js';
import { createApiKeyFromCli, type ApiKeyCreateOptions } from './api-key-create.js';
import { CliError, describeError } from './errors.js';

const ROLES = ['owner', 'admin', 'member'] as const;

export interface CliIo {
  /** The key, and nothing else, goes here. */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function parseRole(value: string): string {
  const role = value.trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(role)) throw new InvalidArgumentError(`Allowed roles are ${ROLES.join(', ')}.`);
  return role;
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('forgegraph')
    .description('forgegraph administration')
    .version(version())
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)');

  const apiKey = program.command('api-key').description('API keys');

  apiKey
    .command('create')
    .description(
      'Create the organization and the user when missing, and a new API key for that user. The key is printed alone on the last line of stdout; ' +
        'it works whether the service is running or not (DATABASE_URL: that PostgreSQL server; otherwise the embedded database in DATA_DIR, default ./.data).',
    )
    .requiredOption('--organization <name>', 'organization name (created if missing)')
    .requiredOption('--email <email>', "the user's email (created if missing)")
    .option(
      '--role <role>',
      `role in the organization: ${ROLES.join(', ')} (default: owner of a new organization, member of an existing one; an existing member keeps their role)`,
      parseRole,
    )
    .option('--name <name>', 'a name for the key, to tell keys apart (default: "cli")')
    .action(async (options: ApiKeyCreateOptions) => {
      const created = await createApiKeyFromCli(options, loadConfig(io.env));
      const where = { 'admin-socket': 'the running service', pglite: 'the embedded database', postgresql: 'PostgreSQL' }[created.via];
      io.stderr.write(
        [
          `Organization: ${created.organization}`,
          `User:         ${created.email}`,
          `Role:         ${created.role.toLowerCase()}`,
          `Key prefix:   ${created.prefix} (created through ${where})`,
          'The API key is on the next line (stdout). It is shown only once: store it now. Send it in the x-api-key header.',
          '',
        ].join('\n'),
      );
      await write(io.stdout, `${created.key}\n`);
    });

  return program;
}

/** Runs the CLI; the exit code. Usage errors are reported by commander itself (exit code 1). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    const message = error instanceof ValidationError || error instanceof CliError ? error.message : describeError(error);
    io.stderr.write(`forgegraph: ${message}\n`);
    if (/^(debug|trace)$/.test(io.env.LOG_LEVEL ?? '') && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}
