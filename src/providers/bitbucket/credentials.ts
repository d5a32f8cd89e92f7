import { ForgeMisconfiguredError } from '../errors.js';
import type { BitbucketAdapterSettings } from '../settings.js';

/** The day Atlassian removed app passwords from Bitbucket Cloud (brownouts ran from 2026-06-09). */
export const APP_PASSWORD_REMOVAL = '2026-07-28';

export interface BitbucketCredentials {
  kind: 'apiToken' | 'appPassword';
  /** The value of the `Authorization` header. Never put it in a message. */
  authorization: string;
  /** Every value that must never appear in an error: the secret itself and the header built from it. */
  secrets: string[];
  /** HTTP Basic credentials for git over HTTPS, which takes a username where the API takes the email. */
  git: { username: string; password: string };
}

/**
 * The static git username Atlassian documents for API tokens ("Using API tokens", Git commands): it works for
 * every account, where the alternative (the Bitbucket username) is not among the provider's settings.
 */
const API_TOKEN_GIT_USERNAME = 'x-bitbucket-api-token-auth';

/**
 * Basic auth as Bitbucket Cloud takes it: the Atlassian account email with an API token (preferred), or
 * the Bitbucket username with an app password (removed by Atlassian on 2026-07-28, still accepted here for
 * proxies and stragglers). Missing pieces are a misconfiguration naming the field.
 */
export function bitbucketCredentials(settings: BitbucketAdapterSettings): BitbucketCredentials {
  if (settings.apiToken) {
    if (!settings.bitbucketEmail) {
      throw new ForgeMisconfiguredError('A Bitbucket API token is used with the Atlassian account email, and no email is set', 'bitbucketEmail');
    }
    return basic('apiToken', settings.bitbucketEmail, settings.apiToken, API_TOKEN_GIT_USERNAME);
  }
  if (settings.appPassword) {
    if (!settings.bitbucketUsername) {
      throw new ForgeMisconfiguredError('A Bitbucket app password is used with the Bitbucket username, and no username is set', 'bitbucketUsername');
    }
    return basic('appPassword', settings.bitbucketUsername, settings.appPassword, settings.bitbucketUsername);
  }
  throw new ForgeMisconfiguredError('No Bitbucket credentials: set an API token (with the Atlassian account email)', 'apiToken');
}

export function appPasswordWarning(): string {
  return `This provider authenticates with a Bitbucket app password; Atlassian removed app passwords on ${APP_PASSWORD_REMOVAL}. Replace it with an API token and the Atlassian account email.`;
}

function basic(kind: BitbucketCredentials['kind'], user: string, secret: string, gitUsername: string): BitbucketCredentials {
  const encoded = Buffer.from(`${user}:${secret}`, 'utf8').toString('base64');
  return { kind, authorization: `Basic ${encoded}`, secrets: [secret, encoded], git: { username: gitUsername, password: secret } };
}
