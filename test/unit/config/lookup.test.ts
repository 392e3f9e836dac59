import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dimsKey as storedDimsKey } from '../../../shared/adapters/table-design.ts';
import { defineConfig } from '../../../shared/config/define-config.ts';
import {
  kpiById,
  reportById,
  reportScopeByKey,
  reportScopes,
  reportTimeZone,
  scopeKey,
  UnknownKpiError,
  UnknownReportError,
  UnknownScopeError,
} from '../../../shared/config/lookup.ts';
import { dimsKey } from '../../../shared/domain/engine.ts';
import { baseConfig } from './base-config.ts';

const config = defineConfig(baseConfig());

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('reportById', () => {
  it('returns the report with that id', () => {
    expect(reportById(config, 'category-weekly').name.zh).toBe('品类周报');
  });

  it('names the known reports and the closest one for an unknown id', () => {
    const error = caught(() => reportById(config, 'weekly-progres'));
    expect(error).toBeInstanceOf(UnknownReportError);
    expect(error.message).toContain('unknown report "weekly-progres"');
    expect(error.message).toContain('weekly-progress, category-weekly');
    expect(error.message).toContain('Did you mean "weekly-progress"?');
    expect((error as UnknownReportError).known).toEqual(['weekly-progress', 'category-weekly']);
  });

  it('suggests nothing when no report id is close', () => {
    expect(caught(() => reportById(config, 'supplier-scorecard')).message).not.toContain('Did you mean');
  });
});

describe('kpiById', () => {
  it('returns the KPI with that id', () => {
    expect(kpiById(config, 'conversion_rate')).toMatchObject({
      numerator: 'orders',
      denominator: 'sessions',
    });
  });

  it('suggests the closest KPI for an unknown id', () => {
    const error = caught(() => kpiById(config, 'sesions'));
    expect(error).toBeInstanceOf(UnknownKpiError);
    expect(error.message).toContain('Did you mean "sessions"?');
  });
});

describe('reportTimeZone', () => {
  it("falls back to the calendar's time zone when the report sets none", () => {
    const input = baseConfig();
    input.calendar.timeZone = 'Europe/London';
    const london = defineConfig(input);
    expect(reportTimeZone(london, reportById(london, 'weekly-progress'))).toBe('Europe/London');
    expect(reportTimeZone(london, reportById(london, 'category-weekly'))).toBe('Asia/Shanghai');
  });
});

describe('reportScopes', () => {
  const withRecipients = (recipients: { email: string; scope?: Record<string, string> }[]) => {
    const input = baseConfig();
    input.reports[0]!.recipients = recipients;
    const parsed = defineConfig(input);
    return reportScopes(parsed, reportById(parsed, 'weekly-progress'));
  };

  it("puts unscoped recipients in one copy keyed 'all'", () => {
    const scopes = withRecipients([{ email: 'a@example-shop.com' }, { email: 'b@example-shop.com' }]);
    expect(scopes).toEqual([
      {
        key: 'all',
        dims: {},
        label: { en: 'All', zh: '全部' },
        recipients: [{ email: 'a@example-shop.com' }, { email: 'b@example-shop.com' }],
      },
    ]);
  });

  it('groups recipients with the same scope, whatever order its fields are written in', () => {
    const scopes = withRecipients([
      { email: 'a@example-shop.com', scope: { channel: 'tmall', category: 'pets' } },
      { email: 'all@example-shop.com' },
      { email: 'pets@example-shop.com', scope: { category: 'pets' } },
      { email: 'b@example-shop.com', scope: { category: 'pets', channel: 'tmall' } },
      { email: 'pets2@example-shop.com', scope: { category: 'pets' } },
    ]);
    expect(scopes.map((s) => [s.key, s.recipients.map((r) => r.email)])).toEqual([
      ['category=pets,channel=tmall', ['a@example-shop.com', 'b@example-shop.com']],
      ['all', ['all@example-shop.com']],
      ['category=pets', ['pets@example-shop.com', 'pets2@example-shop.com']],
    ]);
    expect(scopes[0]!.dims).toEqual({ category: 'pets', channel: 'tmall' });
  });

  it('labels a scope with the dimension and value names in both languages', () => {
    const [scope] = withRecipients([
      { email: 'a@example-shop.com', scope: { channel: 'tmall', category: 'pets' } },
    ]);
    expect(scope!.label).toEqual({ en: 'Category = Pets, Channel = Tmall', zh: '品类 = 宠物，渠道 = 天猫' });
  });

  it('finds a scope by key and names the known keys for an unknown one', () => {
    const report = reportById(config, 'category-weekly');
    expect(reportScopeByKey(config, report, 'category=pets').recipients[0]!.email).toBe(
      'pets@example-shop.com',
    );
    const error = caught(() => reportScopeByKey(config, report, 'category=pet'));
    expect(error).toBeInstanceOf(UnknownScopeError);
    expect(error.message).toContain('use one of category=pets');
    expect(error.message).toContain('Did you mean "category=pets"?');
  });
});

describe('scopeKey', () => {
  it("is 'all' without dimension values and sorted dim=value pairs otherwise", () => {
    expect(scopeKey(undefined)).toBe('all');
    expect(scopeKey({})).toBe('all');
    expect(scopeKey({ region_tier: 'towns', category: 'pets' })).toBe('category=pets,region_tier=towns');
  });

  it('is the one canonical key the engine, the store and the scopes share, whatever the field order', () => {
    const dimension = fc.constantFrom('channel', 'category', 'region_tier', 'user_segment', 'supplier');
    const value = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    fc.assert(
      fc.property(fc.dictionary(dimension, value), fc.boolean(), (dims, reversed) => {
        const entries = Object.entries(dims);
        const reordered = Object.fromEntries(reversed ? entries.reverse() : entries);
        const canonical = dimsKey(dims);
        expect(dimsKey(reordered)).toBe(canonical);
        expect(scopeKey(reordered)).toBe(canonical || 'all');
        expect(storedDimsKey(reordered)).toBe(canonical || '_');
        const pairs = canonical === '' ? [] : canonical.split(',');
        expect(pairs).toEqual([...pairs].sort());
        expect(Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]))).toEqual(dims);
      }),
    );
  });
});
