import { runCli } from './program.js';

// The entry point of bin/forgegraph.mjs (also `tsx src/cli/main.ts ...`).
const code = await runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
// Exits now rather than when every handle is closed: a lingering pool or timer must not keep the command hanging.
process.exit(code);
