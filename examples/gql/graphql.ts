/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CreateGitLabProviderInput = {
  accessToken?: string | null | undefined;
  applicationId?: string | null | undefined;
  expiresAt?: string | null | undefined;
  gitlabInternalUrl?: string | null | undefined;
  /** Default https://gitlab.com. */
  gitlabUrl?: string | null | undefined;
  groupName?: string | null | undefined;
  name: string;
  /** PUBLIC_URL/api/gitlab/callback. */
  redirectUri?: string | null | undefined;
  refreshToken?: string | null | undefined;
  /** The OAuth application secret. */
  secret?: string | null | undefined;
  /** Default false: only the creator, owners and admins see it. */
  sharedWithOrganization?: boolean | null | undefined;
};

/** Which forge a provider connects to. */
export type GitProviderType =
  | 'BITBUCKET'
  | 'GITEA'
  | 'GITHUB'
  | 'GITLAB';

/** OWNER and ADMIN manage members, keys and every provider; MEMBER manages their own providers and sees shared ones. */
export type MemberRole =
  | 'ADMIN'
  | 'MEMBER'
  | 'OWNER';

export type CreateGitLabProviderMutationVariables = Exact<{
  input: CreateGitLabProviderInput;
}>;


export type CreateGitLabProviderMutation = { createGitLabProvider:
    | { __typename: 'CreateGitLabProviderSuccess', gitProvider: { id: string, name: string } }
    | { __typename: 'NotAllowedError', message: string, code: string }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   };

export type ListProvidersQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ListProvidersQuery = { viewer: { role: MemberRole, organization: { name: string } }, gitProviders: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node:
        | { __typename: 'BitbucketProvider', bitbucketWorkspaceName: string | null, hasApiToken: boolean, hasAppPassword: boolean, id: string, name: string, providerType: GitProviderType, createdAt: string }
        | { __typename: 'GitHubProvider', githubAppName: string | null, githubUrl: string, hasPrivateKey: boolean, id: string, name: string, providerType: GitProviderType, createdAt: string }
        | { __typename: 'GitLabProvider', gitlabUrl: string, groupName: string | null, hasAccessToken: boolean, id: string, name: string, providerType: GitProviderType, createdAt: string }
        | { __typename: 'GiteaProvider', giteaUrl: string, scopes: string, hasAccessToken: boolean, id: string, name: string, providerType: GitProviderType, createdAt: string }
       }> } };


export const CreateGitLabProviderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateGitLabProvider"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateGitLabProviderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createGitLabProvider"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateGitLabProviderSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gitProvider"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<CreateGitLabProviderMutation, CreateGitLabProviderMutationVariables>;
export const ListProvidersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListProviders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"gitProviders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"providerType"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GitHubProvider"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"githubAppName"}},{"kind":"Field","name":{"kind":"Name","value":"githubUrl"}},{"kind":"Field","name":{"kind":"Name","value":"hasPrivateKey"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GitLabProvider"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gitlabUrl"}},{"kind":"Field","name":{"kind":"Name","value":"groupName"}},{"kind":"Field","name":{"kind":"Name","value":"hasAccessToken"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BitbucketProvider"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bitbucketWorkspaceName"}},{"kind":"Field","name":{"kind":"Name","value":"hasApiToken"}},{"kind":"Field","name":{"kind":"Name","value":"hasAppPassword"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiteaProvider"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giteaUrl"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"hasAccessToken"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ListProvidersQuery, ListProvidersQueryVariables>;