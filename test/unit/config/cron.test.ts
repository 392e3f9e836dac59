import { describe, expect, it } from 'vitest';
import { cronProblem, timeZoneProblem } from '../../../shared/config/schema.ts';

describe('cronProblem', () => {
  it.each([
    'cron(0 9 ? * MON *)',
    'cron(0 9 1 * ? *)',
    'cron(0 10 2 1,4,7,10 ? *)',
    'cron(30 9 ? * MON-FRI *)',
    'cron(0/15 8-18 ? * * *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(0 9 ? * 6L *)',
    'cron(0 9 L * ? *)',
    'cron(0 9 15W * ? *)',
    'cron(0 9 29 2 ? *)',
    'cron(0 9 1 JAN,APR,JUL,OCT ? 2026-2030)',
    ' cron(0 9 ? * mon *) ',
  ])('accepts the EventBridge expression %s', (expression) => {
    expect(cronProblem(expression)).toBeNull();
  });

  it.each([
    ['0 9 ? * MON *', 'is not an EventBridge cron expression'],
    ['0 9 * * 1', 'a 5-field Unix crontab needs a year field'],
    ['cron(0 9 ? * MON)', 'has 5 field(s)'],
    ['cron(0 0 9 ? * MON *)', 'has 7 field(s)'],
    ['cron(0 9 ? * ? *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 9 1 * MON *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(60 9 ? * MON *)', 'minutes value 60 is out of range: use 0–59'],
    ['cron(0 24 ? * MON *)', 'hours value 24 is out of range: use 0–23'],
    ['cron(0 9 32 * ? *)', 'day-of-month value 32 is out of range: use 1–31'],
    ['cron(0 9 1 13 ? *)', 'month value 13 is out of range: use 1–12'],
    ['cron(0 9 ? * 8 *)', 'day-of-week value 8 is out of range: use 1–7'],
    ['cron(0 9 1 * ? 1969)', 'year value 1969 is out of range'],
    ['cron(0 9 ? * MONDAY *)', 'day-of-week value "MONDAY" is not a number 1–7 or one of SUN, MON'],
    ['cron(0 9 ? * 2#6 *)', 'day-of-week occurrence (#) value 6 is out of range: use 1–5'],
    ['cron(0 9 40W * ? *)', 'day-of-month value 40 is out of range'],
    ['cron(0 9 20-10 * ? *)', 'runs backwards'],
    ['cron(0/0 9 ? * MON *)', 'step "/0" must be a positive whole number'],
    ['cron(0 ? 1 * ? *)', '"?" is only allowed in day-of-month or day-of-week'],
    ['cron(0 9 31 4,6 ? *)', 'never fires'],
  ])('rejects %s, saying %s', (expression, says) => {
    const problem = cronProblem(expression);
    expect(problem).toContain(says);
    expect(problem).toContain(expression.trim());
  });

  it('shows a working example in every syntax message so the admin can copy it', () => {
    for (const bad of ['0 9 * * 1', 'cron(0 9 ? * MON)', 'cron(0 9 ? * ? *)', 'cron(0 25 ? * MON *)']) {
      expect(cronProblem(bad)).toContain('cron(0 9 ? * MON *)');
    }
  });
});

describe('timeZoneProblem', () => {
  it.each(['Asia/Shanghai', 'Asia/Hong_Kong', 'Europe/London', 'UTC'])('accepts %s', (zone) => {
    expect(timeZoneProblem(zone)).toBeNull();
  });

  it('suggests the IANA name closest to a misspelt one', () => {
    expect(timeZoneProblem('Asia/Shangai')).toContain('Did you mean "Asia/Shanghai"?');
  });

  it('rejects names Intl does not know', () => {
    expect(timeZoneProblem('Beijing')).toContain(
      '"Beijing" is not an IANA time zone: use a name such as Asia/Shanghai',
    );
  });

  it('rejects a UTC offset, which EventBridge Scheduler does not take', () => {
    expect(timeZoneProblem('+08:00')).toMatch(/not an IANA time zone/);
  });

  it('asks for the exact spelling when only the case differs', () => {
    expect(timeZoneProblem('asia/shanghai')).toContain('write "Asia/Shanghai"');
  });
});
