#!/usr/bin/env node
// The published entry point: TypeScript sources run under tsx (a devDependency), so the CLI
// needs no build step and always matches the code in the repository.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run that it will need Node 22 from 2027; the project supports 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
// A --config file outside the repository has no "type": "module" above it, so Node takes it
// for CommonJS: without tsx's require() hook its import of defineConfig cannot be loaded.
registerCommonJs();
const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
