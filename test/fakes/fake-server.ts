import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  /** The bytes as sent (git's smart HTTP bodies are binary). */
  rawBody: Buffer;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object or array is sent as JSON (`application/json`), a string or Buffer as is. */
  body?: unknown;
}

export type FakeHandler = (request: FakeRequest, server: FakeForgeServer) => FakeResponse | Promise<FakeResponse>;

interface Fault {
  remaining: number;
  response?: FakeResponse;
  /** Hold the request this long before answering (a hung forge). */
  hangMs?: number;
}

/**
 * A real HTTP server on 127.0.0.1 that a fake forge is built on. Beside the forge's own behaviour it can be
 * told to add latency, hang, or answer the next N requests with a given status, so tests reach every error path.
 */
export class FakeForgeServer {
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;
  private latencyMs = 0;
  private faults: Fault[] = [];
  url = '';

  constructor(private readonly handler: FakeHandler) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  /** Every later request waits this long first. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** The next `count` requests get `response` instead of the forge's answer. */
  failNext(count: number, response: FakeResponse): void {
    this.faults.push({ remaining: count, response });
  }

  /** The next `count` requests get no answer for `ms`. */
  hangNext(count: number, ms: number): void {
    this.faults.push({ remaining: count, hangMs: ms });
  }

  /** Forget recorded requests and pending faults. */
  reset(): void {
    this.requests.length = 0;
    this.faults = [];
    this.latencyMs = 0;
  }

  requestCount(predicate: (request: FakeRequest) => boolean = () => true): number {
    return this.requests.filter(predicate).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const request: FakeRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', this.url), headers: req.headers, body: rawBody.toString('utf8'), rawBody };
    this.requests.push(request);
    if (this.latencyMs) await sleep(this.latencyMs);
    const fault = this.faults.find((f) => f.remaining > 0);
    let response: FakeResponse;
    if (fault) {
      fault.remaining -= 1;
      if (fault.hangMs) {
        await sleep(fault.hangMs);
        if (res.destroyed) return;
      }
      response = fault.response ?? (await this.handler(request, this));
    } else {
      response = await this.handler(request, this);
    }
    if (res.destroyed) return;
    const headers: Record<string, string> = { date: new Date().toUTCString(), ...response.headers };
    let body: string | Buffer = '';
    if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) body = response.body;
    else if (response.body !== undefined) {
      body = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    res.writeHead(response.status, headers);
    res.end(body);
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * What every fake forge shares: a `FakeForgeServer` answering with the forge's `handle`, its lifecycle, the
 * recorded requests and the faults (failNext, hangNext, latency). `reset()` forgets requests and faults; a fake
 * with switches of its own overrides it and calls `super.reset()`.
 */
export abstract class FakeForge {
  // The handler only calls `this.handle` at request time, so a subclass may set up its state after this runs.
  readonly server = new FakeForgeServer((request) => this.handle(request));

  protected abstract handle(request: FakeRequest): FakeResponse | Promise<FakeResponse>;

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The server's base URL: what a provider's forge URL is set to (for GitHub, an Enterprise Server host). */
  get url(): string {
    return this.server.url;
  }

  get requests(): FakeRequest[] {
    return this.server.requests;
  }

  failNext(count: number, response: FakeResponse): void {
    this.server.failNext(count, response);
  }

  hangNext(count: number, ms: number): void {
    this.server.hangNext(count, ms);
  }

  setLatency(ms: number): void {
    this.server.setLatency(ms);
  }

  /** Forget recorded requests and faults. */
  reset(): void {
    this.server.reset();
  }

  requestCount(predicate?: (request: FakeRequest) => boolean): number {
    return this.server.requestCount(predicate);
  }
}
