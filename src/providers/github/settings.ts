import { createPrivateKey } from 'node:crypto';
import { ForgeMisconfiguredError } from '../errors.js';
import type { GitHubAdapterSettings } from '../settings.js';
import { gitHubApiBaseUrl, gitHubWebOrigin } from './api-url.js';

export interface ResolvedGitHubSettings {
  apiBaseUrl: string;
  /** Where GitHub serves git (a repository's clone_url is on it). */
  webOrigin: string;
  /** The App ID, or else the client ID: GitHub accepts either as the JWT issuer. */
  appIdentity: string | number;
  privateKey: string;
  installationId: string;
}

/** The provider's settings checked for what an App call needs; the error names the field, never its value. */
export function resolveGitHubSettings(settings: GitHubAdapterSettings): ResolvedGitHubSettings {
  const apiBaseUrl = gitHubApiBaseUrl(settings.githubUrl);
  const webOrigin = gitHubWebOrigin(settings.githubUrl);
  const clientId = settings.githubClientId?.trim();
  const appIdentity = settings.githubAppId ?? (clientId || null);
  if (appIdentity === null) throw new ForgeMisconfiguredError('The GitHub App ID (or its client ID) is not set', 'githubAppId');

  // Keys pasted through environment files often carry literal "\n"; auth-app accepts those too.
  const privateKey = settings.githubPrivateKey?.replace(/\\n/g, '\n').trim();
  if (!privateKey) throw new ForgeMisconfiguredError("The GitHub App's private key is not set", 'githubPrivateKey');
  let keyType: string | undefined;
  try {
    keyType = createPrivateKey(privateKey).asymmetricKeyType;
  } catch {
    keyType = undefined;
  }
  if (keyType !== 'rsa') {
    throw new ForgeMisconfiguredError("The GitHub App's private key is not a PEM RSA private key (the .pem file GitHub generates for the App)", 'githubPrivateKey');
  }

  const installationId = settings.githubInstallationId?.trim();
  if (!installationId) throw new ForgeMisconfiguredError('The GitHub App installation ID is not set', 'githubInstallationId');
  if (!/^[1-9][0-9]{0,18}$/.test(installationId)) throw new ForgeMisconfiguredError('The GitHub App installation ID must be a positive integer', 'githubInstallationId');

  return { apiBaseUrl, webOrigin, appIdentity, privateKey, installationId };
}
