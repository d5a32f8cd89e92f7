import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLScalarType } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { DateTimeResolver, EmailAddressResolver, NonEmptyStringResolver, URLResolver } from 'graphql-scalars';
import type { Context } from '../context.js';
import type PrismaTypes from '../generated/pothos-prisma-types.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    EmailAddress: { Input: string; Output: string };
    NonEmptyString: { Input: string; Output: string };
    URL: { Input: URL; Output: string | URL };
  };
}>({
  plugins: [ErrorsPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  prisma: {
    // Each request carries its own client (tests run many databases in one process).
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    cursorType: 'String',
    clientMutationId: 'omit',
  },
  errors: {
    directResult: false,
    defaultUnionOptions: { name: ({ fieldName }) => `${pascal(fieldName)}Payload` },
    defaultResultOptions: { name: ({ fieldName }) => `${pascal(fieldName)}Success` },
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('EmailAddress', EmailAddressResolver);
builder.addScalarType('NonEmptyString', NonEmptyStringResolver);
// graphql-scalars' URL lets `new URL()`'s TypeError escape, which would surface as an internal error.
builder.addScalarType('URL', new GraphQLScalarType({
  ...URLResolver.toConfig(),
  parseValue: (value) => parseUrl(() => URLResolver.parseValue(value)),
  parseLiteral: (ast, variables) => parseUrl(() => URLResolver.parseLiteral(ast, variables)),
}));

function parseUrl(parse: () => unknown): URL {
  try {
    return parse() as URL;
  } catch (error) {
    throw createGraphQLError(error instanceof Error && error.name === 'GraphQLError' ? error.message : 'Value is not an absolute URL');
  }
}

builder.queryType({});
builder.mutationType({});
