import { createBitbucketAdapter } from './bitbucket/adapter.js';
import { createGiteaAdapter } from './gitea/adapter.js';
import { createGitHubAdapter } from './github/adapter.js';
import { createGitLabAdapter } from './gitlab/adapter.js';
import type { ForgeHttp } from './http/forge-http.js';
import type { AdapterSettings } from './settings.js';
import type { ForgeAdapter } from './types.js';

export function createForgeAdapter(settings: AdapterSettings, http: ForgeHttp): ForgeAdapter {
  switch (settings.type) {
    case 'GITHUB':
      return createGitHubAdapter(settings, http);
    case 'GITLAB':
      return createGitLabAdapter(settings, http);
    case 'BITBUCKET':
      return createBitbucketAdapter(settings, http);
    case 'GITEA':
      return createGiteaAdapter(settings, http);
  }
}
