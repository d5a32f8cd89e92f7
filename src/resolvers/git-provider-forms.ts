import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import type { GitProviderType } from '../generated/prisma/enums.js';
import { httpUrlSchema, nameSchema, secretSchema, textSchema } from './validation.js';

/**
 * What each forge's provider stores, as the reference document names it: plain detail columns, and
 * secrets that are sealed into GitProviderSecret and never read back through the API.
 */
export interface ProviderForm {
  type: GitProviderType;
  /** The relation on GitProvider holding the detail row. */
  detail: 'github' | 'gitlab' | 'bitbucket' | 'gitea';
  detailFields: z.ZodRawShape;
  secretFields: Record<string, z.ZodTypeAny>;
  /** Detail fields that may not be cleared, and their values when a create leaves them out. */
  defaults: Record<string, unknown>;
  required: string[];
  /** Cross-field rules, checked on the provider as it would be after the write. */
  check?: (state: ProviderState) => { field: string; message: string } | void;
}

export interface ProviderState {
  detail: Record<string, unknown>;
  secrets: Set<string>;
}

const privateKeySchema = secretSchema.refine(
  (pem) => {
    try {
      // GitHub signs App JWTs with RS256, so only an RSA key can ever work.
      return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem) && createPrivateKey(pem).asymmetricKeyType === 'rsa';
    } catch {
      return false;
    }
  },
  { message: 'must be a PEM RSA private key (the .pem file GitHub generates for the App)' },
);

const dateSchema = z.coerce.date({ invalid_type_error: 'must be a date-time' });

export const baseFields = {
  name: nameSchema,
  sharedWithOrganization: z.boolean(),
};

export const PROVIDER_FORMS: Record<GitProviderType, ProviderForm> = {
  GITHUB: {
    type: 'GITHUB',
    detail: 'github',
    detailFields: {
      githubAppName: textSchema,
      githubAppId: z.number().int('must be an integer').positive('must be a positive integer').max(2 ** 31 - 1, 'is too large'),
      githubClientId: textSchema,
      githubInstallationId: z.string().trim().regex(/^[1-9][0-9]{0,18}$/, 'must be a positive integer'),
      githubUrl: httpUrlSchema,
    },
    secretFields: { githubClientSecret: secretSchema, githubPrivateKey: privateKeySchema, githubWebhookSecret: secretSchema },
    defaults: { githubUrl: 'https://github.com' },
    required: [],
  },
  GITLAB: {
    type: 'GITLAB',
    detail: 'gitlab',
    detailFields: {
      gitlabUrl: httpUrlSchema,
      gitlabInternalUrl: httpUrlSchema,
      applicationId: textSchema,
      redirectUri: httpUrlSchema,
      groupName: z.string().trim().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
      expiresAt: dateSchema,
    },
    secretFields: { secret: secretSchema, accessToken: secretSchema, refreshToken: secretSchema },
    defaults: { gitlabUrl: 'https://gitlab.com' },
    required: [],
  },
  BITBUCKET: {
    type: 'BITBUCKET',
    detail: 'bitbucket',
    detailFields: {
      bitbucketUsername: textSchema,
      bitbucketEmail: z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').email('must be an email address'),
      bitbucketWorkspaceName: textSchema,
    },
    secretFields: { appPassword: secretSchema, apiToken: secretSchema },
    defaults: {},
    required: [],
    check: checkBitbucketCredentials,
  },
  GITEA: {
    type: 'GITEA',
    detail: 'gitea',
    detailFields: {
      giteaUrl: httpUrlSchema,
      giteaInternalUrl: httpUrlSchema,
      clientId: textSchema,
      redirectUri: httpUrlSchema,
      expiresAt: dateSchema,
      scopes: z
        .string()
        .trim()
        .max(1024, 'must be at most 1024 characters')
        .regex(/^[a-z0-9:_-]+(,[a-z0-9:_-]+)*$/, 'must be a comma-separated list of scopes'),
    },
    secretFields: { clientSecret: secretSchema, accessToken: secretSchema, refreshToken: secretSchema },
    defaults: { scopes: 'repo,repo:status,read:user,read:org' },
    required: ['giteaUrl'],
  },
};

// Bitbucket Cloud authenticates API calls with email + API token, or (legacy) username + app password.
function checkBitbucketCredentials(state: ProviderState): { field: string; message: string } | void {
  const { detail, secrets } = state;
  if (secrets.has('apiToken') && !detail.bitbucketEmail) {
    return { field: 'bitbucketEmail', message: 'bitbucketEmail is required with apiToken (Bitbucket API tokens authenticate with the Atlassian account email)' };
  }
  if (secrets.has('appPassword') && !detail.bitbucketUsername) {
    return { field: 'bitbucketUsername', message: 'bitbucketUsername is required with appPassword' };
  }
  if (!secrets.has('apiToken') && !secrets.has('appPassword')) {
    return { field: 'apiToken', message: 'Bitbucket needs apiToken with bitbucketEmail, or appPassword with bitbucketUsername' };
  }
}
