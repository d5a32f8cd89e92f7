import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed client documents for examples/, generated from the committed schema.graphql (no server needed).
// The output is committed; scripts/check-drift.sh fails when it no longer matches.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/**/*.ts', '!examples/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'examples/gql/': {
      preset: 'client',
      config: {
        scalars: {
          DateTime: 'string',
          URL: 'string',
          EmailAddress: 'string',
          NonEmptyString: 'string',
          PositiveInt: 'number',
        },
        strictScalars: true,
        // String-literal unions instead of TS enums: plain, erasable TypeScript. (In client-preset 6 this is
        // `enumType`; the older `enumsAsTypes: true` is no longer forwarded by the preset.)
        enumType: 'string-literal',
        useTypeImports: true,
        // NodeNext resolution needs explicit extensions on the generated relative imports.
        emitLegacyCommonJSImports: false,
        importExtension: '.js',
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
