/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation CreateGitLabProvider($input: CreateGitLabProviderInput!) {\n    createGitLabProvider(input: $input) {\n      __typename\n      ... on CreateGitLabProviderSuccess {\n        gitProvider {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n        code\n      }\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n": typeof types.CreateGitLabProviderDocument,
    "\n  query ListProviders($after: String) {\n    viewer {\n      organization {\n        name\n      }\n      role\n    }\n    gitProviders(first: 100, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          __typename\n          id\n          name\n          providerType\n          createdAt\n          ... on GitHubProvider {\n            githubAppName\n            githubUrl\n            hasPrivateKey\n          }\n          ... on GitLabProvider {\n            gitlabUrl\n            groupName\n            hasAccessToken\n          }\n          ... on BitbucketProvider {\n            bitbucketWorkspaceName\n            hasApiToken\n            hasAppPassword\n          }\n          ... on GiteaProvider {\n            giteaUrl\n            scopes\n            hasAccessToken\n          }\n        }\n      }\n    }\n  }\n": typeof types.ListProvidersDocument,
};
const documents: Documents = {
    "\n  mutation CreateGitLabProvider($input: CreateGitLabProviderInput!) {\n    createGitLabProvider(input: $input) {\n      __typename\n      ... on CreateGitLabProviderSuccess {\n        gitProvider {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n        code\n      }\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n": types.CreateGitLabProviderDocument,
    "\n  query ListProviders($after: String) {\n    viewer {\n      organization {\n        name\n      }\n      role\n    }\n    gitProviders(first: 100, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          __typename\n          id\n          name\n          providerType\n          createdAt\n          ... on GitHubProvider {\n            githubAppName\n            githubUrl\n            hasPrivateKey\n          }\n          ... on GitLabProvider {\n            gitlabUrl\n            groupName\n            hasAccessToken\n          }\n          ... on BitbucketProvider {\n            bitbucketWorkspaceName\n            hasApiToken\n            hasAppPassword\n          }\n          ... on GiteaProvider {\n            giteaUrl\n            scopes\n            hasAccessToken\n          }\n        }\n      }\n    }\n  }\n": types.ListProvidersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGitLabProvider($input: CreateGitLabProviderInput!) {\n    createGitLabProvider(input: $input) {\n      __typename\n      ... on CreateGitLabProviderSuccess {\n        gitProvider {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n        code\n      }\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateGitLabProvider($input: CreateGitLabProviderInput!) {\n    createGitLabProvider(input: $input) {\n      __typename\n      ... on CreateGitLabProviderSuccess {\n        gitProvider {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n        code\n      }\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListProviders($after: String) {\n    viewer {\n      organization {\n        name\n      }\n      role\n    }\n    gitProviders(first: 100, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          __typename\n          id\n          name\n          providerType\n          createdAt\n          ... on GitHubProvider {\n            githubAppName\n            githubUrl\n            hasPrivateKey\n          }\n          ... on GitLabProvider {\n            gitlabUrl\n            groupName\n            hasAccessToken\n          }\n          ... on BitbucketProvider {\n            bitbucketWorkspaceName\n            hasApiToken\n            hasAppPassword\n          }\n          ... on GiteaProvider {\n            giteaUrl\n            scopes\n            hasAccessToken\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListProviders($after: String) {\n    viewer {\n      organization {\n        name\n      }\n      role\n    }\n    gitProviders(first: 100, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          __typename\n          id\n          name\n          providerType\n          createdAt\n          ... on GitHubProvider {\n            githubAppName\n            githubUrl\n            hasPrivateKey\n          }\n          ... on GitLabProvider {\n            gitlabUrl\n            groupName\n            hasAccessToken\n          }\n          ... on BitbucketProvider {\n            bitbucketWorkspaceName\n            hasApiToken\n            hasAppPassword\n          }\n          ... on GiteaProvider {\n            giteaUrl\n            scopes\n            hasAccessToken\n          }\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;