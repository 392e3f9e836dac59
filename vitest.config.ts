import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { QUIET_SDK_NODE_NOTICE } from './test/support/sdk-notice.ts';

export default defineConfig({
  test: {
    // Vitest's default in run mode is one worker fewer than the cores: on the 2-core machines
    // the suite runs on, that is one file at a time. Unit and infra files are independent of
    // each other and of the integration files (which run one after another, see below).
    maxWorkers: Math.max(2, availableParallelism()),
    env: { ...QUIET_SDK_NODE_NOTICE },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Property tests take ~1 s idle; on a machine shared with other jobs, two workers
          // can stretch that past vitest's 5 s default. Speed is measured by npm run bench.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // Synthesizes dev and prod once for every infra test file (issue 17).
          globalSetup: ['test/infra/support/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Emulator-heavy files, each starting its own emulators: one at a time keeps their
          // timing predictable on a loaded machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
