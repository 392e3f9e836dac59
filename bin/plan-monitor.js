#!/usr/bin/env node
// The published entry point: TypeScript sources run under tsx (a devDependency), so the CLI
// needs no build step and always matches the code in the repository.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
