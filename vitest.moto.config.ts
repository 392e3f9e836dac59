/**
 * `npm run test:moto`: the adapter, ingest and report integration suites against moto in
 * server mode instead of the embedded emulators (see test/support/emulators.ts). The
 * embedded emulators' own tests (persistence, ports, s3rver's events) stay in `npm test`.
 */
import { defineConfig } from 'vitest/config';
import { QUIET_SDK_NODE_NOTICE } from './test/support/sdk-notice.ts';

export default defineConfig({
  test: {
    name: 'moto',
    include: [
      'test/integration/adapters/**/*.test.ts',
      'test/integration/ingest/**/*.test.ts',
      'test/integration/report/**/*.test.ts',
    ],
    exclude: [
      'test/integration/adapters/emulators.test.ts',
      // moto_server lets two racing conditional writes to one item both win (see that file).
      'test/integration/ingest/racing.test.ts',
    ],
    environment: 'node',
    env: { ...QUIET_SDK_NODE_NOTICE, PLAN_MONITOR_EMULATORS: 'moto' },
    globalSetup: ['test/support/moto-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One moto server for all files, whose SES mail list is shared: one file at a time.
    fileParallelism: false,
  },
});
