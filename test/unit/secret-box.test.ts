import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadSecretBox } from '../../src/crypto/load-secret-box.js';
import { SecretBox } from '../../src/crypto/secret-box.js';

const box = () => SecretBox.fromBase64(SecretBox.generateKey());

describe('SecretBox', () => {
  test('round-trips and never stores the plaintext', () => {
    const b = box();
    const sealed = b.seal('glpat-very-secret', 'git-provider:1:accessToken');
    expect(sealed.keyId).toBe(b.currentKeyId);
    expect(sealed.ciphertext).not.toContain('glpat');
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain('glpat');
    expect(b.open(sealed, 'git-provider:1:accessToken')).toBe('glpat-very-secret');
  });

  test('the same value seals differently each time (random IV)', () => {
    const b = box();
    expect(b.seal('x', 'c').ciphertext).not.toBe(b.seal('x', 'c').ciphertext);
  });

  test('a ciphertext moved to another provider or field does not open', () => {
    const b = box();
    const sealed = b.seal('secret', 'git-provider:1:secret');
    expect(() => b.open(sealed, 'git-provider:2:secret')).toThrow();
    expect(() => b.open(sealed, 'git-provider:1:accessToken')).toThrow();
  });

  test('a tampered ciphertext does not open', () => {
    const b = box();
    const sealed = b.seal('secret', 'c');
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[14] = raw[14]! ^ 1;
    expect(() => b.open({ ...sealed, ciphertext: raw.toString('base64') }, 'c')).toThrow();
  });

  test('keys rotate: values sealed under a previous key still open, new values use the current key', () => {
    const oldKey = SecretBox.generateKey();
    const newKey = SecretBox.generateKey();
    const sealedOld = SecretBox.fromBase64(oldKey).seal('old', 'c');
    const rotated = SecretBox.fromBase64(newKey, [oldKey]);
    expect(rotated.open(sealedOld, 'c')).toBe('old');
    expect(rotated.seal('new', 'c').keyId).not.toBe(sealedOld.keyId);
    expect(() => SecretBox.fromBase64(newKey).open(sealedOld, 'c')).toThrow(/No secret key/);
  });

  test('a key that is not 32 bytes of base64 is refused', () => {
    expect(() => SecretBox.fromBase64(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('loadSecretBox', () => {
  test('the embedded default generates a key file with mode 0600 once, then reuses it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'forgegraph-key-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as never;
    const first = loadSecretBox(config, logger);
    const file = path.join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(warnings).toHaveLength(1);
    const second = loadSecretBox(config, logger);
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(warnings).toHaveLength(1);
    expect(second.open(first.seal('v', 'c'), 'c')).toBe('v');
  });

  test('FORGEGRAPH_SECRET_KEY wins; with DATABASE_URL a key is required', () => {
    const key = SecretBox.generateKey();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'forgegraph-key-'));
    expect(loadSecretBox(loadConfig({ DATA_DIR: dataDir, FORGEGRAPH_SECRET_KEY: key })).currentKeyId).toBe(
      SecretBox.keyId(Buffer.from(key, 'base64')),
    );
    expect(() => loadSecretBox(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgresql://x/y' }))).toThrow(/FORGEGRAPH_SECRET_KEY is required/);
  });
});
