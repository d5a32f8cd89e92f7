/**
 * A running deployment's log: output is gathered and written in chunks (every `flushMs`, or sooner when a chunk
 * fills), so a chatty build costs a few writes a second, not one per line. Past `maxBytes` the middle is
 * dropped: the head is kept as written and the last `tailBytes` are kept aside and written at the end, after a
 * note of how much was left out, because a failing build says why at its end. Known secrets are masked.
 */
export class DeploymentLog {
  private pending = '';
  private written = 0;
  /** Bytes that came after the log was full: the tail is the last of them. */
  private overflow = 0;
  private tail = '';
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly secrets = new Set<string>();

  constructor(
    private readonly write: (text: string) => Promise<unknown>,
    private readonly options: { maxBytes: number; tailBytes: number; flushMs: number; chunkBytes: number },
  ) {}

  /** A value that must never appear in the log (a token). */
  mask(secret: string): void {
    if (secret.length < 4) return;
    this.secrets.add(secret);
  }

  append(text: string): void {
    const masked = this.redact(text);
    const room = this.options.maxBytes - this.written - Buffer.byteLength(this.pending);
    if (room <= 0 || this.overflow > 0) {
      this.keepTail(masked);
      return;
    }
    if (Buffer.byteLength(masked) > room) {
      const head = Buffer.from(masked).subarray(0, room).toString('utf8');
      this.pending += head;
      this.keepTail(masked.slice(head.length));
    } else {
      this.pending += masked;
    }
    if (Buffer.byteLength(this.pending) >= this.options.chunkBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs);
  }

  line(text: string): void {
    this.append(`${text}\n`);
  }

  /** Writes what is pending; resolves when every write so far is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.pending;
    this.pending = '';
    if (text) {
      this.written += Buffer.byteLength(text);
      this.chain = this.chain.then(() => this.write(text)).then(
        () => undefined,
        () => undefined,
      );
    }
    return this.chain;
  }

  /** Flushes, then writes the kept tail after a note of what was left out. */
  async close(): Promise<void> {
    await this.flush();
    if (this.overflow > 0) {
      const omitted = this.overflow - Buffer.byteLength(this.tail);
      this.pending = `\n[… ${omitted} bytes of output left out …]\n${this.tail}`;
      this.tail = '';
      this.overflow = 0;
      await this.flush();
    }
  }

  private keepTail(text: string) {
    this.overflow += Buffer.byteLength(text);
    this.tail += text;
    if (this.tail.length > this.options.tailBytes) this.tail = this.tail.slice(this.tail.length - this.options.tailBytes);
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}
