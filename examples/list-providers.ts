// Lists every Git provider the API key may see, following the connection page by page.
//   FORGEGRAPH_API_KEY=fg_... [FORGEGRAPH_URL=http://localhost:4000/graphql] npm run example:list
import type { ResultOf } from '@graphql-typed-document-node/core';
import { endpoint, request } from './client.js';
import { graphql } from './gql/index.js';

const ListProviders = graphql(`
  query ListProviders($after: String) {
    viewer {
      organization {
        name
      }
      role
    }
    gitProviders(first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          __typename
          id
          name
          providerType
          createdAt
          ... on GitHubProvider {
            githubAppName
            githubUrl
            hasPrivateKey
          }
          ... on GitLabProvider {
            gitlabUrl
            groupName
            hasAccessToken
          }
          ... on BitbucketProvider {
            bitbucketWorkspaceName
            hasApiToken
            hasAppPassword
          }
          ... on GiteaProvider {
            giteaUrl
            scopes
            hasAccessToken
          }
        }
      }
    }
  }
`);

type Provider = ResultOf<typeof ListProviders>['gitProviders']['edges'][number]['node'];

function describe(provider: Provider): string {
  const head = `${provider.providerType.padEnd(9)} ${provider.name}  (${provider.id}, created ${provider.createdAt})`;
  switch (provider.__typename) {
    case 'GitHubProvider':
      return `${head}  ${provider.githubUrl} app=${provider.githubAppName ?? '-'} privateKey=${yesNo(provider.hasPrivateKey)}`;
    case 'GitLabProvider':
      return `${head}  ${provider.gitlabUrl} group=${provider.groupName ?? '-'} accessToken=${yesNo(provider.hasAccessToken)}`;
    case 'BitbucketProvider':
      return `${head}  workspace=${provider.bitbucketWorkspaceName ?? '-'} apiToken=${yesNo(provider.hasApiToken)} appPassword=${yesNo(provider.hasAppPassword)}`;
    case 'GiteaProvider':
      return `${head}  ${provider.giteaUrl} scopes=${provider.scopes} accessToken=${yesNo(provider.hasAccessToken)}`;
  }
}

const yesNo = (flag: boolean) => (flag ? 'yes' : 'no');

async function main() {
  let after: string | null = null;
  let printedHeader = false;
  for (;;) {
    const page: ResultOf<typeof ListProviders> = await request(ListProviders, { after });
    if (!printedHeader) {
      console.log(`${page.viewer.organization.name} (${page.viewer.role}) at ${endpoint}: ${page.gitProviders.totalCount} provider(s)`);
      printedHeader = true;
    }
    for (const { node } of page.gitProviders.edges) console.log(describe(node));
    const { hasNextPage, endCursor } = page.gitProviders.pageInfo;
    if (!hasNextPage || !endCursor) break;
    after = endCursor;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
