import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { SecretBox } from './secret-box.js';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * The key comes from FORGEGRAPH_SECRET_KEY. The embedded default, with no key set, keeps a generated key in
 * DATA_DIR; a shared PostgreSQL needs the same key on every instance, so there it must be configured.
 */
export function loadSecretBox(config: Config, logger?: Logger): SecretBox {
  if (config.secretKey) return SecretBox.fromBase64(config.secretKey, config.previousSecretKeys);
  if (config.databaseUrl) {
    throw new Error('FORGEGRAPH_SECRET_KEY is required with DATABASE_URL (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  let key: string;
  try {
    key = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(config.dataDir, { recursive: true });
    key = SecretBox.generateKey();
    try {
      writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
      logger?.warn({ file }, 'FORGEGRAPH_SECRET_KEY is not set: generated a secret key for the embedded database; back it up with the data directory');
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      key = readFileSync(file, 'utf8').trim();
    }
  }
  return SecretBox.fromBase64(key, config.previousSecretKeys);
}
