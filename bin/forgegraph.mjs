#!/usr/bin/env node
// `npx forgegraph ...`: the CLI runs from the TypeScript sources, compiled on the fly by tsx.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
