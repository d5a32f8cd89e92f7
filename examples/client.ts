// A minimal typed GraphQL client over fetch: the result type comes from the TypedDocumentNode that
// `graphql()` in ./gql returns, so no GraphQL client library is needed.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export const endpoint = process.env.FORGEGRAPH_URL ?? 'http://localhost:4000/graphql';

export class GraphQLRequestError extends Error {}

export async function request<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const apiKey = process.env.FORGEGRAPH_API_KEY;
  if (!apiKey) throw new GraphQLRequestError('Set FORGEGRAPH_API_KEY (create one with `npx forgegraph api-key create`).');

  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-api-key': apiKey },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const text = await response.text();
  let body: { data?: Result | null; errors?: { message: string }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new GraphQLRequestError(`${endpoint} answered ${response.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new GraphQLRequestError(body.errors.map((error) => error.message).join('; '));
  if (!body.data) throw new GraphQLRequestError(`${endpoint} answered ${response.status} without data`);
  return body.data;
}
