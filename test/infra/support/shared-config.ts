/**
 * The plan configuration of the shared synthesized stacks (global-setup.ts) and the tests that
 * read them: three reports, one in its own time zone, one paused.
 */
import { report, testConfig } from './config.ts';

export const sharedConfig = testConfig([
  report('weekly-progress', 'cron(0 9 ? * MON *)'),
  report('monthly-close', 'cron(30 8 2 * ? *)', 'Europe/Berlin'),
  { ...report('paused'), schedule: { cron: 'cron(0 9 ? * FRI *)', enabled: false } },
]);
