import { ConnectionState } from '../generated/prisma/enums.js';
import { builder } from './builder.js';
import { GitProviderRef } from './git-provider.js';

const ConnectionStateEnum = builder.enumType(ConnectionState, {
  name: 'ConnectionState',
  description: 'Whether the provider’s credentials keep working by themselves.',
  values: {
    CONNECTED: { description: 'Credentials in place; OAuth tokens are refreshed as they near expiry.' },
    REAUTHORIZATION_REQUIRED: {
      description: 'The forge refused to refresh the OAuth token: calls fail with ForgeReauthorizationRequiredError until the provider is reconnected (authorizeGitProvider).',
    },
    INSTALLATION_REMOVED: {
      description:
        'The GitHub App installation is gone (deleted or suspended): calls fail with ForgeInstallationRemovedError until the provider’s githubInstallationId is updated (install the App again).',
    },
  },
});

builder.prismaInterfaceField(GitProviderRef, 'connectionState', (t) =>
  t.field({
    type: ConnectionStateEnum,
    select: { connectionState: true },
    // The field's `select` loads the column; the interface's parent type does not carry it in its TypeScript shape.
    resolve: (provider) => (provider as unknown as { connectionState: ConnectionState }).connectionState,
  }),
);

builder.prismaInterfaceField(GitProviderRef, 'connectionStateReason', (t) =>
  t.string({
    nullable: true,
    description: 'Why the provider left CONNECTED, in the forge’s words when it gave any.',
    select: { connectionStateReason: true },
    resolve: (provider) => (provider as unknown as { connectionStateReason: string | null }).connectionStateReason,
  }),
);
