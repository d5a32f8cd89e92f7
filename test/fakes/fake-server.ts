import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object or array is sent as JSON (`application/json`), a string as is. */
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
    const request: FakeRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', this.url), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
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
    let body = '';
    if (typeof response.body === 'string') body = response.body;
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
