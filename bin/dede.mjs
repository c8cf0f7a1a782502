#!/usr/bin/env node
// The `dede` command: TypeScript sources run through tsx, so a clone works after `npm ci`
// without a build step. Everything real lives in src/cli/main.ts.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
