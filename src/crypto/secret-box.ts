import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedValue {
  keyId: string;
  /** base64 of iv || ciphertext || tag */
  ciphertext: string;
}

/** AES-256-GCM under a current key, with older keys kept for opening values sealed before a rotation. */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    this.currentKeyId = SecretBox.keyId(currentKey);
    for (const key of [currentKey, ...previousKeys]) this.keys.set(SecretBox.keyId(key), key);
  }

  static fromBase64(current: string, previous: string[] = []): SecretBox {
    return new SecretBox(decodeKey(current, 'FORGEGRAPH_SECRET_KEY'), previous.map((k) => decodeKey(k, 'FORGEGRAPH_PREVIOUS_SECRET_KEYS')));
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** A key's id is a digest of the key, so the same key always has the same id and the key is not revealed. */
  static keyId(key: Buffer): string {
    return createHash('sha256').update('forgegraph-key-id').update(key).digest('hex').slice(0, 16);
  }

  /** `context` binds the ciphertext to where it is stored (provider and field), so it cannot be moved elsewhere. */
  seal(plaintext: string, context: string): SealedValue {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64') };
  }

  open(sealed: SealedValue, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`No secret key with id ${sealed.keyId} is configured`);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

function decodeKey(value: string, variable: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${variable} must be 32 bytes encoded as base64 (got ${key.length} bytes)`);
  return key;
}
