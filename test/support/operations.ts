import { generateKeyPairSync } from 'node:crypto';

/** GraphQL documents shared by the suites. */
export const PROVIDER_FIELDS = `
  __typename id name providerType sharedWithOrganization createdAt updatedAt
  organization { id name } creator { id email }
  ... on GitHubProvider { githubAppName githubAppId githubClientId githubInstallationId githubUrl hasClientSecret hasPrivateKey hasWebhookSecret }
  ... on GitLabProvider { gitlabUrl gitlabInternalUrl applicationId redirectUri groupName expiresAt hasClientSecret hasAccessToken hasRefreshToken }
  ... on BitbucketProvider { bitbucketUsername bitbucketEmail bitbucketWorkspaceName hasAppPassword hasApiToken }
  ... on GiteaProvider { giteaUrl giteaInternalUrl clientId redirectUri expiresAt scopes hasClientSecret hasAccessToken hasRefreshToken }
`;

const RESULT = (success: string, field = 'gitProvider') => `
  __typename
  ... on ${success} { ${field === 'removedId' ? 'removedId' : `${field} { ... on GitProvider { ${PROVIDER_FIELDS} } }`} }
  ... on Error { message code }
  ... on ValidationError { field }
`;

export const FORGES = ['GitHub', 'GitLab', 'Bitbucket', 'Gitea'] as const;
export type Forge = (typeof FORGES)[number];

export const createMutation = (forge: Forge) => `
  mutation Create($input: Create${forge}ProviderInput!) { create${forge}Provider(input: $input) { ${RESULT(`Create${forge}ProviderSuccess`)} } }`;

export const updateMutation = (forge: Forge) => `
  mutation Update($input: Update${forge}ProviderInput!) { update${forge}Provider(input: $input) { ${RESULT(`Update${forge}ProviderSuccess`)} } }`;

export const REMOVE = `mutation Remove($id: ID!) { removeGitProvider(input: { id: $id }) { ${RESULT('RemoveGitProviderSuccess', 'removedId')} } }`;

export const GET = `query Get($id: ID!) { gitProvider(id: $id) { ${PROVIDER_FIELDS} } }`;

export const NODE = `query Node($id: ID!) { node(id: $id) { __typename id ... on GitProvider { name } } }`;

export const LIST = `query List($first: Int, $after: String, $type: GitProviderType) {
  gitProviders(first: $first, after: $after, providerType: $type) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${PROVIDER_FIELDS} } }
  }
}`;

/** A GitHub App private key as GitHub hands it out: RSA, PKCS#1 PEM. */
export function rsaPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}
