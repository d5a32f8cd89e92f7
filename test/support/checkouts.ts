import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { fetchSource } from '../../src/deployments/source-fetch.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import type { SourceAccess } from '../../src/providers/types.js';

/** An environment for git that reads no system or user configuration. */
export const isolatedGitEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

/** Runs git in a directory (a checkout or a test repository) with no configuration of the machine's, and returns its trimmed output. */
export function gitIn(directory: string, args: string[]): string {
  return execFileSync('git', ['-C', directory, ...args], { encoding: 'utf8', env: isolatedGitEnv }).trim();
}

/** The commit a checkout has checked out. */
export function checkoutHead(directory: string): string {
  return gitIn(directory, ['rev-parse', 'HEAD']);
}

/** Checkout directories under the system's temporary directory, each in a folder of its own, all removed by `removeAll` (for afterAll). */
export class Checkouts {
  readonly #roots: string[] = [];

  /** `name` starts each temporary folder's name. */
  constructor(private readonly name: string) {}

  /** A fresh path for a checkout, not created yet (fetchSource creates it), inside a new temporary folder. */
  directory(): string {
    const root = mkdtempSync(path.join(tmpdir(), `${this.name}-`));
    this.#roots.push(root);
    return path.join(root, 'checkout');
  }

  /** fetchSource as a deployment runs it, into a fresh directory, with git's output kept. */
  async fetchInto(access: SourceAccess, sha: string, ref: string): Promise<{ directory: string; output: string }> {
    const directory = this.directory();
    let output = '';
    await fetchSource({
      access,
      sha,
      ref,
      directory,
      policy: new AddressPolicy('127.0.0.1'),
      timeoutMs: 30_000,
      onOutput: (text) => {
        output += text;
      },
    });
    return { directory, output };
  }

  removeAll(): void {
    for (const root of this.#roots.splice(0)) rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The error `promise` rejects with, after checking that it is a `type` and that no secret is in any form of it
 * (message, JSON, String, stack, util.inspect with hidden properties), that it has no cause and no `request`
 * carrying client internals. `secrets` is read once the promise has settled, so a list that grows, or a
 * function over one, also covers secrets issued during the call.
 */
export async function expectSecretFreeFailure<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  secrets: readonly string[] | (() => readonly string[]),
): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${type.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  const e = error as E;
  const forms = {
    JSON: JSON.stringify(e),
    message: e.message,
    String: String(e),
    stack: e.stack ?? '',
    inspect: inspect(e, { depth: 10, showHidden: true }),
  };
  for (const secret of typeof secrets === 'function' ? secrets() : secrets) {
    // Not toContain: a failure would print the secret.
    for (const [form, text] of Object.entries(forms)) expect(text.includes(secret), `a secret in the error's ${form}`).toBe(false);
  }
  expect((e as { cause?: unknown }).cause).toBeUndefined();
  expect(Object.keys(e)).not.toContain('request');
  return e;
}
