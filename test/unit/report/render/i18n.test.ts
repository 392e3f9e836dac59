import { describe, expect, it } from 'vitest';
import {
  formatCurrency,
  formatInstant,
  formatKpiValue,
  formatPercent,
  formatPp,
  formatVariance,
  formatVariancePct,
  labels,
  MINUS,
  milestoneStateWord,
  statusWord,
} from '../../../../shared/report/i18n.ts';
import { reportModelEn } from '../../../fixtures/report-model.ts';

const kpi = (id: string) => reportModelEn.kpis.find((k) => k.id === id)!;

describe('status and state words', () => {
  it('names every status in both languages', () => {
    expect(statusWord('on_track', 'zh')).toBe('正常');
    expect(statusWord('at_risk', 'zh')).toBe('预警');
    expect(statusWord('off_track', 'zh')).toBe('落后');
    expect(statusWord('no_data', 'zh')).toBe('无数据');
    expect(statusWord('no_target', 'zh')).toBe('无目标');
    expect(statusWord('on_track', 'en')).toBe('On track');
    expect(statusWord('at_risk', 'en')).toBe('At risk');
    expect(statusWord('off_track', 'en')).toBe('Off track');
    expect(statusWord('no_data', 'en')).toBe('No data');
    expect(statusWord('no_target', 'en')).toBe('No target');
  });
  it('names milestone states', () => {
    expect(milestoneStateWord('overdue', 'zh')).toBe('逾期');
    expect(milestoneStateWord('done_late', 'en')).toBe('Done late');
  });
  it('has the same label keys in both languages', () => {
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v).map((x) => `${k}.${x}`) : [k]));
    expect(keys(labels('zh')).sort()).toEqual(keys(labels('en')).sort());
  });
});

describe('text number formatting', () => {
  it('formats currency, percents and percentage points with U+2212 for negatives', () => {
    expect(formatCurrency(12_540_000)).toBe('¥12,540,000');
    expect(formatCurrency(-1_100_000, 'CNY', 0, true)).toBe(`${MINUS}¥1,100,000`);
    expect(formatPercent(0.05)).toBe('5.0%');
    expect(formatVariancePct(-0.05)).toBe(`${MINUS}5.0%`);
    expect(formatVariancePct(0.0909)).toBe('+9.1%');
    expect(formatPp(-0.002, 'en')).toBe(`${MINUS}0.20 pp`);
    expect(formatPp(-0.002, 'zh')).toBe(`${MINUS}0.20 个百分点`);
  });
  it('never writes a signed zero', () => {
    expect(formatVariancePct(-0.00001)).toBe('0.0%');
    expect(formatPp(-0.0000001, 'en')).toBe('0.00 pp');
  });
  it('writes null as a dash', () => {
    expect(formatCurrency(null)).toBe('—');
    expect(formatVariancePct(null)).toBe('—');
  });
  it('formats KPI values and variances in the KPI unit', () => {
    expect(formatKpiValue(20_900_000, kpi('gmv'), 'en')).toBe('¥20,900,000');
    expect(formatKpiValue(174.1666, kpi('aov'), 'en')).toBe('¥174.17');
    expect(formatKpiValue(0.03, kpi('conversion_rate'), 'en')).toBe('3.00%');
    expect(formatKpiValue(120_000, kpi('orders'), 'en')).toBe('120,000');
    expect(formatVariance(-0.002, kpi('conversion_rate'), 'zh')).toBe(`${MINUS}0.20 个百分点`);
    expect(formatVariance(10_000, kpi('orders'), 'en')).toBe('+10,000');
  });
  it('shows an instant as wall-clock time in the report time zone', () => {
    expect(formatInstant('2026-11-23T13:00:00Z', 'Asia/Shanghai')).toBe('2026-11-23 21:00');
    expect(formatInstant('2026-11-23T16:30:00Z', 'Asia/Shanghai')).toBe('2026-11-24 00:30');
  });
});
