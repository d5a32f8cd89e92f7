import { createHmac, randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { Harness } from './harness.js';

export type WebhookForge = 'GitHub' | 'GitLab' | 'Gitea' | 'Bitbucket';

export interface Delivery {
  forge: WebhookForge;
  /** The forge's event name (header value). */
  event: string;
  payload: unknown;
  /** Signs (or, for GitLab, tokens) with this; null sends no signature at all. */
  secret: string | null;
  deliveryId?: string;
  /** GitHub: the App id in X-GitHub-Hook-Installation-Target-ID. */
  appId?: number;
  /** GitLab, Gitea, Bitbucket: the provider's id in the URL path. */
  providerId?: string;
  /** Sent instead of the payload's JSON (after signing the payload): a tampered body. */
  bodyOverride?: string;
}

/** The path each forge delivers to. */
export function webhookPath(delivery: Pick<Delivery, 'forge' | 'providerId'>): string {
  return delivery.forge === 'GitHub' ? '/api/github/webhook' : `/api/${delivery.forge.toLowerCase()}/webhook/${delivery.providerId}`;
}

/** The request a forge sends, signed as that forge signs it (GitHub through octokit's own signing). */
export async function deliveryRequest(delivery: Delivery): Promise<{ path: string; init: RequestInit; deliveryId: string }> {
  const body = typeof delivery.payload === 'string' ? delivery.payload : JSON.stringify(delivery.payload);
  const deliveryId = delivery.deliveryId ?? randomUUID();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const hex = delivery.secret === null ? null : createHmac('sha256', delivery.secret).update(body).digest('hex');
  switch (delivery.forge) {
    case 'GitHub':
      Object.assign(headers, {
        'user-agent': 'GitHub-Hookshot/044aadd',
        'x-github-event': delivery.event,
        'x-github-delivery': deliveryId,
        'x-github-hook-id': '42',
        'x-github-hook-installation-target-type': 'integration',
        'x-github-hook-installation-target-id': String(delivery.appId),
      });
      if (delivery.secret !== null) headers['x-hub-signature-256'] = await sign(delivery.secret, body);
      break;
    case 'GitLab':
      Object.assign(headers, { 'user-agent': 'GitLab/17.1.0', 'x-gitlab-event': delivery.event, 'x-gitlab-event-uuid': deliveryId, 'idempotency-key': deliveryId });
      if (delivery.secret !== null) headers['x-gitlab-token'] = delivery.secret;
      break;
    case 'Gitea':
      Object.assign(headers, { 'x-gitea-event': delivery.event, 'x-gitea-event-type': delivery.event, 'x-gitea-delivery': deliveryId });
      if (hex) Object.assign(headers, { 'x-gitea-signature': hex, 'x-hub-signature-256': `sha256=${hex}` });
      break;
    case 'Bitbucket':
      Object.assign(headers, { 'user-agent': 'Bitbucket-Webhooks/2.0', 'x-event-key': delivery.event, 'x-request-uuid': deliveryId, 'x-hook-uuid': '{5a3b1f2e-0000-4000-8000-000000000001}', 'x-attempt-number': '1' });
      if (hex) headers['x-hub-signature'] = `sha256=${hex}`;
      break;
  }
  const sent = delivery.bodyOverride ?? body;
  headers['content-length'] = String(Buffer.byteLength(sent));
  return { path: webhookPath(delivery), init: { method: 'POST', headers, body: sent }, deliveryId };
}

/** Posts a delivery to the service (through yoga's fetch, the same route a socket reaches). */
export async function deliver(h: Harness, delivery: Delivery): Promise<{ status: number; body: { message?: string }; deliveryId: string }> {
  const { path, init, deliveryId } = await deliveryRequest(delivery);
  const response = await h.yoga.fetch(`http://forgegraph.test${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as { message?: string }) : {}, deliveryId };
}

/** Waits until every delivery of the provider has left ACCEPTED (the worker is done with them). */
export async function waitForDeliveries(h: Harness, providerId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await h.database.prisma.webhookDelivery.count({ where: { gitProviderId: providerId, outcome: 'ACCEPTED' } })) > 0) {
    if (Date.now() > deadline) throw new Error('webhook deliveries were not processed in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The database id behind a global ID. */
export function rawId(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':').slice(1).join(':');
}
