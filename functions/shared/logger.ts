/**
 * Powertools Logger behind the use cases' small logging interface. A module of its own so a
 * handler can log without importing report-deps.ts and the adapters (and SDK clients) it wires.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { AppLogger } from '../../shared/app/schedule-report.ts';

const powertools = new Logger();

export const logger: AppLogger = {
  info: (message, extra) => powertools.info(message, (extra ?? {}) as LogAttributes),
  warn: (message, extra) => powertools.warn(message, (extra ?? {}) as LogAttributes),
  error: (message, extra) => powertools.error(message, (extra ?? {}) as LogAttributes),
};
