import type { ParsedDelivery } from '../events.js';
import { parseBitbucket } from './bitbucket.js';
import { ignored } from './common.js';
import { parseGitea } from './gitea.js';
import { parseGitHub } from './github.js';
import { parseGitLab } from './gitlab.js';

export type WebhookForge = 'GITHUB' | 'GITLAB' | 'GITEA' | 'BITBUCKET';

/**
 * What a stored delivery means, from the forge's event header (X-GitHub-Event, X-Gitlab-Event, the coarse
 * X-Gitea-Event, Bitbucket's X-Event-Key) and the JSON-parsed body. Never throws: a payload without what is
 * needed, or an event not acted on, comes back as an ignored entry with the reason. Usually one entry; a
 * Bitbucket push that moves several refs gives one per ref.
 */
export function parseDelivery(forge: WebhookForge, event: string, payload: unknown): ParsedDelivery[] {
  switch (forge) {
    case 'GITHUB':
      return parseGitHub(event, payload);
    case 'GITLAB':
      return parseGitLab(event, payload);
    case 'GITEA':
      return parseGitea(event, payload);
    case 'BITBUCKET':
      return parseBitbucket(event, payload);
    default:
      return [ignored(`Deliveries from forge '${String(forge)}' are not understood`)];
  }
}
