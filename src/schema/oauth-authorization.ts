import { authorizeGitProvider, type StartedAuthorization } from '../resolvers/oauth-authorization.js';
import { builder } from './builder.js';
import { mutationErrors } from './errors.js';
import { providerIdFrom } from './git-provider.js';

const AuthorizeGitProviderInput = builder.inputType('AuthorizeGitProviderInput', {
  fields: (t) => ({ id: t.id({ required: true, description: 'A GitLab or Gitea provider with its OAuth application (id, secret, redirectUri).' }) }),
});

const AuthorizeGitProviderSuccess = builder.objectRef<StartedAuthorization>('AuthorizeGitProviderSuccess').implement({
  description:
    'Open `authorizationUrl` in the browser: the forge asks the user to authorize the application, then sends them back to ' +
    'PUBLIC_URL/api/gitlab/callback or /api/gitea/callback, which stores the access token, refresh token and expiry (sealed) on the provider.',
  fields: (t) => ({
    authorizationUrl: t.exposeString('authorizationUrl', {
      description: 'The forge’s authorize URL with client_id, redirect_uri, response_type=code, scope, PKCE (S256) and a single-use state.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the state expires (10 minutes): the flow must be finished by then.' }),
  }),
});

builder.mutationField('authorizeGitProvider', (t) =>
  t.field({
    type: AuthorizeGitProviderSuccess,
    description:
      'Starts connecting a GitLab or Gitea provider with OAuth (its creator, an owner or an admin may). Records a state bound to the caller, ' +
      'the organization and the provider.',
    errors: { types: mutationErrors, directResult: true },
    args: { input: t.arg({ type: AuthorizeGitProviderInput, required: true }) },
    resolve: (_root, { input }, ctx) => authorizeGitProvider(ctx, ctx.viewer, providerIdFrom(input.id).id),
  }),
);
