import type { Prisma } from '../generated/prisma/client.js';
import type { GitProviderType } from '../generated/prisma/enums.js';
import { WEBHOOK_PATH } from '../providers/github/manifest.js';
import { acceptDelivery, recordFailedDelivery, type DeliveryHeaders } from '../webhooks/record-delivery.js';
import { hmacSha256Matches, tokenMatches } from '../webhooks/signatures.js';
import { providerWebhookSecret } from '../webhooks/webhook-secret.js';
import type { RouteDeps } from './deps.js';
import { BodyTooLargeError, readBoundedBody } from './request-body.js';
import type { Route } from './route.js';

/** GitHub's documented largest delivery; the other forges send less. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

const PER_PROVIDER_PATHS = { GITLAB: '/api/gitlab/webhook/', GITEA: '/api/gitea/webhook/', BITBUCKET: '/api/bitbucket/webhook/' } as const;

export function isWebhookPath(pathname: string): boolean {
  return pathname === WEBHOOK_PATH || Object.values(PER_PROVIDER_PATHS).some((prefix) => pathname.startsWith(prefix));
}

/** The URL a forge delivers a provider's events to. */
export function webhookUrl(publicUrl: string, provider: { id: string; providerType: GitProviderType }): string {
  return provider.providerType === 'GITHUB' ? `${publicUrl}${WEBHOOK_PATH}` : `${publicUrl}${PER_PROVIDER_PATHS[provider.providerType]}${provider.id}`;
}

interface Candidate {
  id: string;
  providerType: GitProviderType;
  /** GitHub: the installation the provider acts for, to pick among providers sharing one App. */
  installationId: string | null;
}

/**
 * The webhook endpoints: the signature (or GitLab's token) is checked over the raw bytes before anything is
 * parsed; a delivery that fails it answers 401 and is recorded without its payload; a verified one is stored with
 * its job before the 202, and the worker does the rest.
 */
export function webhookRoutes(deps: RouteDeps): Route[] {
  const receive = (forge: GitProviderType, find: (request: Request, url: URL) => Promise<Candidate[]>) => async (request: Request, url: URL) => {
    let body: Buffer;
    try {
      body = await readBoundedBody(request, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return answer(413, error.message);
      throw error;
    }
    const candidates = await find(request, url);
    if (candidates.length === 0) return answer(404, 'No provider receives deliveries at this URL');
    const headers = deliveryHeaders(forge, request.headers);

    const verified: Candidate[] = [];
    for (const candidate of candidates) {
      const secret = await providerWebhookSecret(deps, candidate);
      if (secret && signatureMatches(forge, secret, body, request.headers)) verified.push(candidate);
    }
    if (verified.length === 0) {
      const message = signatureHeader(forge, request.headers) === null ? 'No signature' : 'The signature does not match the webhook secret';
      for (const candidate of candidates) await recordFailedDelivery(deps.db, candidate.id, headers, { signatureValid: false, message });
      return answer(401, message);
    }

    let payload: Prisma.InputJsonValue;
    try {
      payload = JSON.parse(body.toString('utf8')) as Prisma.InputJsonValue;
    } catch {
      for (const candidate of verified) await recordFailedDelivery(deps.db, candidate.id, headers, { signatureValid: true, message: 'The body is not JSON' });
      return answer(400, 'The body is not JSON');
    }
    const receivers = forge === 'GITHUB' ? byInstallation(verified, payload) : verified;
    const results = [];
    for (const receiver of receivers) results.push(await acceptDelivery({ db: deps.db, queue: deps.queue }, receiver.id, headers, payload));
    return results.every((result) => result === 'duplicate') ? answer(200, 'Already received') : answer(202, 'Accepted');
  };

  return [
    {
      method: 'POST',
      path: WEBHOOK_PATH,
      handle: receive('GITHUB', async (request) => {
        // An App's deliveries name the App; several providers (organizations) may use one App.
        const appId = Number(request.headers.get('x-github-hook-installation-target-id'));
        if (!Number.isSafeInteger(appId) || appId <= 0) return [];
        const providers = await deps.db.gitProvider.findMany({
          where: { providerType: 'GITHUB', github: { is: { githubAppId: appId } } },
          select: { id: true, providerType: true, github: { select: { githubInstallationId: true } } },
        });
        return providers.map((p) => ({ id: p.id, providerType: p.providerType, installationId: p.github?.githubInstallationId ?? null }));
      }),
    },
    ...(Object.entries(PER_PROVIDER_PATHS) as [Exclude<GitProviderType, 'GITHUB'>, string][]).map(
      ([forge, prefix]): Route => ({
        method: 'POST',
        path: prefix,
        prefix: true,
        handle: receive(forge, async (_request, url) => {
          const id = url.pathname.slice(prefix.length);
          if (!/^[0-9a-f-]{36}$/.test(id)) return [];
          const provider = await deps.db.gitProvider.findFirst({ where: { id, providerType: forge }, select: { id: true, providerType: true } });
          return provider ? [{ ...provider, installationId: null }] : [];
        }),
      }),
    ),
  ];
}

function deliveryHeaders(forge: GitProviderType, headers: Headers): DeliveryHeaders {
  const pick = (...names: string[]) => names.map((name) => headers.get(name)).find((value) => value) ?? null;
  switch (forge) {
    case 'GITHUB':
      return { forge, event: pick('x-github-event') ?? 'unknown', deliveryId: pick('x-github-delivery') };
    case 'GITLAB':
      return { forge, event: pick('x-gitlab-event') ?? 'unknown', deliveryId: pick('x-gitlab-event-uuid', 'idempotency-key') };
    case 'GITEA':
      return { forge, event: pick('x-gitea-event', 'x-gogs-event') ?? 'unknown', deliveryId: pick('x-gitea-delivery', 'x-gogs-delivery') };
    case 'BITBUCKET':
      return { forge, event: pick('x-event-key') ?? 'unknown', deliveryId: pick('x-request-uuid') };
  }
}

function signatureHeader(forge: GitProviderType, headers: Headers): string | null {
  switch (forge) {
    case 'GITHUB':
      return headers.get('x-hub-signature-256');
    case 'GITLAB':
      return headers.get('x-gitlab-token');
    case 'GITEA':
      return headers.get('x-gitea-signature');
    case 'BITBUCKET':
      return headers.get('x-hub-signature');
  }
}

function signatureMatches(forge: GitProviderType, secret: string, body: Buffer, headers: Headers): boolean {
  const signature = signatureHeader(forge, headers);
  switch (forge) {
    case 'GITHUB':
    case 'BITBUCKET':
      return hmacSha256Matches(secret, body, signature, 'sha256=');
    case 'GITEA':
      return hmacSha256Matches(secret, body, signature);
    case 'GITLAB':
      return tokenMatches(secret, signature);
  }
}

/** Among the providers whose secret verified, those acting for the delivery's installation (or the first one). */
function byInstallation(verified: Candidate[], payload: unknown): Candidate[] {
  const installation = (payload as { installation?: { id?: unknown } } | null)?.installation?.id;
  const matching = installation === undefined ? [] : verified.filter((candidate) => candidate.installationId === String(installation));
  return matching.length ? matching : verified.slice(0, 1);
}

function answer(status: number, message: string): Response {
  return new Response(JSON.stringify({ message }), { status, headers: { 'content-type': 'application/json' } });
}
