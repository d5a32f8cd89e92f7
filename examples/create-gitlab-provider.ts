// Creates a GitLab provider and handles every outcome of the result union.
//   FORGEGRAPH_API_KEY=fg_... npx tsx examples/create-gitlab-provider.ts "GitLab.com" [https://gitlab.example.com] [group]
import { request } from './client.js';
import { graphql } from './gql/index.js';

const CreateGitLabProvider = graphql(`
  mutation CreateGitLabProvider($input: CreateGitLabProviderInput!) {
    createGitLabProvider(input: $input) {
      __typename
      ... on CreateGitLabProviderSuccess {
        gitProvider {
          id
          name
        }
      }
      ... on Error {
        message
        code
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

async function main() {
  const [name = 'GitLab', gitlabUrl, groupName] = process.argv.slice(2);
  const { createGitLabProvider: result } = await request(CreateGitLabProvider, {
    input: {
      name,
      gitlabUrl: gitlabUrl ?? null,
      groupName: groupName ?? null,
      // Secrets are write-only: the API stores them sealed and only ever reports `has…` flags.
      accessToken: process.env.GITLAB_ACCESS_TOKEN ?? null,
    },
  });

  switch (result.__typename) {
    case 'CreateGitLabProviderSuccess':
      console.log(`Created ${result.gitProvider.name} (${result.gitProvider.id})`);
      return;
    case 'ValidationError':
      console.error(`Invalid ${result.field}: ${result.message} [${result.code}]`);
      break;
    case 'NotAllowedError':
    case 'NotFoundError':
      console.error(`${result.message} [${result.code}]`);
      break;
  }
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
