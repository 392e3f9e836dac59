/**
 * Row validation against the plan configuration. Built once per file and called once per
 * row, so the hot path is plain checks and map look-ups (values are resolved once per
 * distinct text and cached); every problem is collected, none stops the scan.
 */

import { namesOf } from '../../config/aliases.ts';
import { foldName } from '../../config/fold-name.ts';
import type { PlanConfig } from '../../config/schema.ts';
import { fiscalYearOf } from '../../domain/calendar.ts';
import { outOfBoundsMessage } from '../../domain/kpi.ts';
import { closestMatch, SuggestionBudget } from '../../domain/suggest.ts';
import type { Milestone, MilestoneStatus, PeriodGrain } from '../../domain/types.ts';
import type { UploadKind } from '../../ports/index.ts';
import { ComponentBounds } from './component-bounds.ts';
import type { CodecDimension } from './dims-codec.ts';
import { boundRowError, type RowError } from './errors.ts';
import { ActualFactTable, TargetFactTable } from './fact-table.ts';
import type { HeaderMap } from './headers.ts';
import { IntKeyTable } from './key-table.ts';
import {
  type CellValue,
  cellText,
  isBlank,
  type NumberResult,
  type PeriodResult,
  parseDateCell,
  parseNumberCell,
  parsePeriodCell,
} from './normalize.ts';
import { RecentTexts } from './recent-texts.ts';
import type { RawRow } from './rows.ts';
import { type Unstorable, unstorableKey, unstorableNumber, unstorableText } from './storable.ts';

/**
 * Collects row errors: keeps the first `cap` for the report (each with its value and message
 * cut to a readable length, see {@link boundRowError}), counts them all by code. Work beyond the
 * cap is only counting: validators ask {@link full} before composing costly detail such as
 * "did you mean" suggestions.
 */
export class ErrorCollector {
  readonly list: RowError[] = [];
  readonly byCode = new Map<string, number>();
  count = 0;
  /** Shared by every "did you mean" of the file. */
  readonly suggestions = new SuggestionBudget();
  constructor(readonly cap = 1000) {}
  /** True once `cap` errors are listed: further errors are counted, never shown. */
  get full(): boolean {
    return this.list.length >= this.cap;
  }
  add(error: RowError): void {
    this.count++;
    this.byCode.set(error.code, (this.byCode.get(error.code) ?? 0) + 1);
    if (this.list.length < this.cap) this.list.push(boundRowError(error));
  }
}

interface Named {
  readonly id: string;
  readonly name: { readonly en: string; readonly zh: string };
  readonly aliases?: readonly string[];
}

/** Resolves what an uploader wrote to a configured id, once per distinct text. */
class NameResolver {
  private readonly longestName: number;
  private readonly byKey = new Map<string, string>();
  private readonly cache = new Map<string, string | null>();
  private readonly options: string[];
  constructor(items: readonly Named[]) {
    for (const item of items) {
      for (const name of namesOf(item)) {
        const key = foldName(name);
        if (!this.byKey.has(key)) this.byKey.set(key, item.id);
      }
    }
    this.options = items.map((i) => i.id);
    this.longestName = Math.max(
      0,
      ...items.flatMap((item) =>
        [item.id, item.name.en, item.name.zh, ...(item.aliases ?? [])].map((n) => n.length),
      ),
    );
    for (const item of items) {
      for (const name of namesOf(item)) {
        if (!this.idOfName.has(name)) this.idOfName.set(name, item.id);
      }
    }
  }
  private readonly idOfName = new Map<string, string>();
  private readonly indexCache = new Map<string, number>();
  private readonly recentIndex = new RecentTexts<number>();
  private readonly recentIds = new RecentTexts<string | null>();
  /** 1-based position of the item `text` names, 0 when it names none. */
  index(text: string): number {
    let hit = this.recentIndex.get(text);
    if (hit !== undefined) return hit;
    hit = this.indexCache.get(text);
    if (hit === undefined) {
      const id = this.resolve(text);
      hit = id === null ? 0 : this.options.indexOf(id) + 1;
      this.indexCache.set(text, hit);
    }
    this.recentIndex.remember(text, hit);
    return hit;
  }
  /** Ids in configuration order. */
  get ids(): readonly string[] {
    return this.options;
  }
  resolve(text: string): string | null {
    // Far longer than any configured name: no name at all (folding 50 MB takes seconds).
    if (text.length > this.longestName * 4 + 256) return null;
    let hit = this.recentIds.get(text);
    if (hit !== undefined) return hit;
    hit = this.cache.get(text);
    if (hit === undefined) {
      hit = this.byKey.get(foldName(text)) ?? null;
      this.cache.set(text, hit);
    }
    this.recentIds.remember(text, hit);
    return hit;
  }
  private readonly names: string[] = [];
  private readonly suggestCache = new Map<string, string>();
  /**
   * ` Did you mean "x"?` or the list of known ids; once per distinct text, within the file's
   * budget, and not at all (empty) when the collector lists no more errors.
   */
  suggest(text: string, errors: ErrorCollector): string {
    if (errors.full) return '';
    let hit = this.suggestCache.get(text);
    if (hit === undefined) {
      if (this.names.length === 0) this.names.push(...this.idOfName.keys());
      const close = closestMatch(text.trim(), this.names, errors.suggestions);
      const id = close === null ? null : this.idOfName.get(close)!;
      const shown = this.options.slice(0, 20).join(', ');
      hit =
        close === null
          ? ` Known: ${shown}${this.options.length > 20 ? ', …' : ''}.`
          : close === id
            ? ` Did you mean "${id}"?`
            : ` Did you mean "${close}" (${id})?`;
      // A bounded cache: a file of distinct junk must not keep one entry per row.
      if (this.suggestCache.size < 10_000) this.suggestCache.set(text, hit);
    }
    return hit;
  }
}

const STATUS_WORDS: Record<MilestoneStatus, readonly string[]> = {
  not_started: [
    'not_started',
    'notstarted',
    'not started',
    'todo',
    'to do',
    'planned',
    '未开始',
    '未开展',
    '计划中',
  ],
  in_progress: [
    'in_progress',
    'inprogress',
    'in progress',
    'ongoing',
    'wip',
    'started',
    '进行中',
    '进行',
    '开展中',
    '执行中',
  ],
  done: ['done', 'complete', 'completed', 'finished', '已完成', '完成', '已结束'],
  blocked: ['blocked', 'on hold', 'onhold', '受阻', '阻塞', '卡住', '暂停'],
  cancelled: ['cancelled', 'canceled', 'dropped', '已取消', '取消', '作废'],
};
const STATUS_LOOKUP = new Map<string, MilestoneStatus>();
for (const [status, words] of Object.entries(STATUS_WORDS) as [MilestoneStatus, readonly string[]][]) {
  for (const word of words) STATUS_LOOKUP.set(foldName(word), status);
}

/** Dimension values of a row, shared by every row with the same combination. */
export interface DimsEntry {
  readonly dims: Readonly<Record<string, string>>;
  /**
   * The combination as one number (mixed radix over each dimension's value positions, 0 =
   * blank), or as text when the configuration's combinations do not fit a safe integer.
   */
  readonly combo: number | string;
}

/** `channel=tmall category=pets`, for messages. */
function dimsLabel(dims: Readonly<Record<string, string>>): string {
  return Object.entries(dims)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Longest text read as a number: `¥ -1,234,567,890,123.45` with room to spare. */
const MAX_NUMBER_TEXT = 100;

/**
 * A number cell, parsed. Text longer than any storable number is refused without being
 * parsed: the number patterns backtrack quadratically on a long run of digits (a 40,000-digit
 * cell took 6 s, a 50 MB one would never end), and no such text is a figure anyone means.
 */
function parseNumber(cell: CellValue, percent: boolean): NumberResult {
  if (typeof cell === 'string' && cell.length > MAX_NUMBER_TEXT && cell.trim().length > MAX_NUMBER_TEXT) {
    return {
      ok: false,
      message: `"${cell.trim()}" is ${cell.trim().length.toLocaleString('en-US')} characters long, far too long to be a number: type the figure itself (at most ${MAX_NUMBER_TEXT} characters)`,
    };
  }
  return parseNumberCell(cell, { percent });
}

/** Periods per key space: far more than the days of any list of fiscal years. */
const PERIOD_SLOTS = 65_536;

/**
 * Most distinct combinations whose dims objects are shared (the rest get one per row, garbage
 * at once: accepted facts keep the combination's number, fact-table.ts). 100,000 before the
 * fact table; now the pool only saves allocations, and a big one kept ~100k objects alive
 * (1M-row file: 227–297 MB peak RSS with 100,000, 173–179 MB with 4,096).
 */
const DIMS_POOL_SIZE = 4_096;

/**
 * The first row of each key seen in a file. Numeric keys (all of them unless the
 * configuration's combinations overflow a safe integer) go to a typed-array table: no heap
 * number, entry object or string per row; text keys (milestone ids, huge configurations) to
 * a Map.
 */
class FirstRows {
  private readonly numbers: IntKeyTable;
  /** `expectedKeys`: sized for them up front, so a big file's table is not rehashed as it grows. */
  constructor(expectedKeys = 0) {
    this.numbers = new IntKeyTable(Math.max(4096, expectedKeys));
  }
  private readonly texts = new Map<string, number>();

  /** Records `key` for `row` (≥ 1); returns the row that had it first, or 0 when it is new. */
  claim(key: number | string, row: number): number {
    if (typeof key === 'number') return this.numbers.putIfAbsent(key, row);
    const first = this.texts.get(key);
    if (first !== undefined) return first;
    this.texts.set(key, row);
    return 0;
  }
}

export interface RowContext {
  readonly errors: ErrorCollector;
}

/** Common machinery of the three kinds. */
abstract class BaseValidator {
  protected readonly startMonth: number;
  protected readonly fiscalYears: ReadonlySet<string>;
  protected readonly kpis: NameResolver;
  protected readonly kpiById: ReadonlyMap<string, PlanConfig['kpis'][number]>;
  protected readonly kpiSlot: ReadonlyMap<string, number>;
  protected readonly dimensions: { id: string; col: number; resolver: NameResolver }[];
  private readonly periodCache = new Map<string, PeriodResult>();
  private readonly recentPeriods = new RecentTexts<PeriodResult>();
  /** Fiscal year of each period key already checked (null: outside the plan's years). */
  private readonly fiscalYearCache = new Map<string, string | null>();
  rows = 0;

  constructor(
    protected readonly config: PlanConfig,
    protected readonly header: HeaderMap,
    readonly errors: ErrorCollector,
    /** Data rows the file is estimated to hold (0: unknown), to size the key tables. */
    protected readonly expectedRows = 0,
  ) {
    this.startMonth = config.calendar.fiscalYearStartMonth;
    this.fiscalYears = new Set(config.calendar.fiscalYears);
    this.kpis = new NameResolver(config.kpis);
    this.kpiById = new Map(config.kpis.map((k) => [k.id, k]));
    this.dimensions = config.dimensions
      .filter((d) => header.dimensions[d.id] !== undefined)
      .map((d) => ({ id: d.id, col: header.dimensions[d.id]!, resolver: new NameResolver(d.values) }));
    this.scratch = new Int32Array(this.dimensions.length);
    this.comboSpace = this.dimensions.reduce((space, d) => space * (d.resolver.ids.length + 1), 1);
    this.kpiSlot = new Map(config.kpis.map((k, i) => [k.id, i]));
  }

  protected error(
    row: number,
    col: number | undefined,
    value: CellValue,
    code: string,
    message: string,
  ): void {
    // A file with an error is rejected whole: what it would have stored is garbage from now on.
    if (this.errors.count === 0) this.discardRecords();
    this.errors.add({
      row,
      column: col === undefined ? '' : (this.header.headers[col] ?? ''),
      value: cellText(value),
      message,
      code,
    });
  }

  /** Records `problem` (a value the store or a report cannot hold); true when there was one. */
  protected unstorable(row: number, col: number | undefined, value: CellValue, problem: Unstorable): boolean {
    if (problem) this.error(row, col, value, problem.code, problem.message);
    return problem !== null;
  }

  /** A value cell parsed and checked to be storable. */
  protected value(row: RawRow, col: number, percent: boolean): NumberResult {
    const cell = row.cells[col] ?? null;
    const value = parseNumber(cell, percent);
    if (!value.ok) this.error(row.row, col, cell, 'bad_number', value.message);
    else if (this.unstorable(row.row, col, cell, unstorableNumber(value.value))) {
      return { ok: false, message: 'unstorable' };
    }
    return value;
  }

  protected period(value: CellValue): PeriodResult {
    if (typeof value !== 'string') return parsePeriodCell(value, this.startMonth);
    let hit = this.recentPeriods.get(value);
    if (hit) return hit;
    hit = this.periodCache.get(value);
    if (!hit) {
      hit = parsePeriodCell(value, this.startMonth);
      this.periodCache.set(value, hit);
    }
    this.recentPeriods.remember(value, hit);
    return hit;
  }

  /** Checks a period lies in the configured fiscal years; returns its fiscal year. */
  protected fiscalYear(
    row: number,
    col: number,
    value: CellValue,
    p: PeriodResult & { ok: true },
  ): string | null {
    const known = this.fiscalYearCache.get(p.key);
    if (known) return known;
    const fyStart = fiscalYearOf(p.start, this.startMonth);
    const fyEnd = p.end === p.start ? fyStart : fiscalYearOf(p.end, this.startMonth);
    if (!this.fiscalYears.has(fyStart) || !this.fiscalYears.has(fyEnd)) {
      const fy = this.fiscalYears.has(fyStart) ? fyEnd : fyStart;
      this.error(
        row,
        col,
        value,
        'outside_fiscal_years',
        `${p.key} falls in ${fy}, outside the plan's fiscal years (${[...this.fiscalYears].join(', ')}): check the year, or ask an admin to add ${fy} to calendar.fiscalYears.`,
      );
      return null;
    }
    this.fiscalYearCache.set(p.key, fyStart);
    return fyStart;
  }

  protected kpi(row: number, col: number, value: CellValue): string | null {
    if (isBlank(value)) {
      this.error(
        row,
        col,
        value,
        'missing_value',
        'The KPI is empty: write the KPI id or name, e.g. gmv or 成交额.',
      );
      return null;
    }
    const text = cellText(value);
    const id = this.kpis.resolve(text);
    if (!id) {
      this.error(
        row,
        col,
        value,
        'unknown_kpi',
        `Unknown KPI "${text}".${this.kpis.suggest(text, this.errors)}`,
      );
    }
    return id;
  }

  /**
   * Dims objects shared by rows with the same combination, up to a bound (high-cardinality
   * files): numeric combinations map to a position in `dimsPooled`, text ones to the entry.
   */
  private readonly dimsPool = new IntKeyTable(4096);
  private readonly dimsPooled: DimsEntry[] = [];
  private readonly dimsPoolText = new Map<string, DimsEntry>();
  private static readonly NO_DIMS: DimsEntry = { dims: Object.freeze({}), combo: 0 };
  /** Number of distinct combinations (incl. blanks), when it is a safe integer. */
  protected readonly comboSpace: number;
  private readonly periodSlots = new Map<string, number>();
  /** Value positions of the row being resolved, reused row after row. */
  private readonly scratch: Int32Array;

  /**
   * Resolves the dimension cells (blank means "not split by this dimension") into a shared
   * entry; the combination is computed as a number so no key string is built per row.
   */
  protected dims(row: RawRow): DimsEntry | null {
    let ok = true;
    let combo = 0;
    let text = '';
    let any = false;
    const numeric = this.comboSpace <= Number.MAX_SAFE_INTEGER;
    const scratch = this.scratch;
    for (let n = 0; n < this.dimensions.length; n++) {
      const d = this.dimensions[n]!;
      const value = row.cells[d.col] ?? null;
      let index = 0;
      if (!isBlank(value)) {
        const cell = cellText(value);
        index = d.resolver.index(cell);
        if (index === 0) {
          this.error(
            row.row,
            d.col,
            value,
            'unknown_dimension_value',
            `Unknown ${this.header.headers[d.col]} value "${cell}".${d.resolver.suggest(cell, this.errors)} Leave the cell empty for a total over all values.`,
          );
          ok = false;
          continue;
        }
        any = true;
      }
      scratch[n] = index;
      if (numeric) combo = combo * (d.resolver.ids.length + 1) + index;
      else text += `${index},`;
    }
    if (!ok) return null;
    if (!any) return BaseValidator.NO_DIMS;
    if (numeric) {
      const at = this.dimsPool.get(combo);
      if (at !== 0) return this.dimsPooled[at - 1]!;
      const entry: DimsEntry = { dims: this.newDims(), combo };
      if (this.dimsPooled.length < DIMS_POOL_SIZE) {
        this.dimsPooled.push(entry);
        this.dimsPool.putIfAbsent(combo, this.dimsPooled.length);
      }
      return entry;
    }
    let entry = this.dimsPoolText.get(text);
    if (!entry) {
      entry = { dims: this.newDims(), combo: text };
      if (this.dimsPoolText.size < DIMS_POOL_SIZE) this.dimsPoolText.set(text, entry);
    }
    return entry;
  }

  /** A frozen dims object of the value positions in `scratch` (blank dimensions left out). */
  private newDims(): Readonly<Record<string, string>> {
    const scratch = this.scratch;
    const dims: Record<string, string> = {};
    for (let n = 0; n < this.dimensions.length; n++) {
      const d = this.dimensions[n]!;
      if (scratch[n]! > 0) dims[d.id] = d.resolver.ids[scratch[n]! - 1]!;
    }
    return Object.freeze(dims);
  }

  /** Small integer per distinct period key (for composite keys). */
  protected periodSlot(key: string): number {
    let slot = this.periodSlots.get(key);
    if (slot === undefined) {
      slot = this.periodSlots.size;
      this.periodSlots.set(key, slot);
    }
    return slot;
  }

  /**
   * A composite key of the dims combination and up to three small integers (each below its
   * radix; pass radix 1 and part 0 to leave one out): a number when it stays a safe integer,
   * else text. Arguments, not arrays, so the hot path allocates nothing.
   */
  protected compositeKey(
    dims: DimsEntry,
    a: number,
    radixA: number,
    b: number,
    radixB: number,
    c = 0,
    radixC = 1,
  ): number | string {
    if (
      typeof dims.combo === 'number' &&
      this.comboSpace * radixA * radixB * radixC <= Number.MAX_SAFE_INTEGER
    ) {
      return ((dims.combo * radixA + a) * radixB + b) * radixC + c;
    }
    return `${dims.combo}|${a}|${b}|${c}`;
  }

  /** Records `key`; if it was already seen, returns the row that had it first. */
  protected seenBefore(seen: FirstRows, key: number | string, row: number): number | undefined {
    const first = seen.claim(key, row);
    return first === 0 ? undefined : first;
  }

  protected duplicateError(row: number, first: number, what: readonly (string | DimsEntry)[]): void {
    const text = what
      .map((w) => (typeof w === 'string' ? w : dimsLabel(w.dims)))
      .filter(Boolean)
      .join(' ');
    this.error(
      row,
      undefined,
      null,
      'duplicate_row',
      `Row ${row} repeats ${text} already given in row ${first}: keep one row (the file must not hold the same key twice).`,
    );
  }

  /** The dimensions combinations are numbered over, for a fact table to decode them. */
  protected codecDimensions(): CodecDimension[] {
    return this.dimensions.map((d) => ({ id: d.id, values: d.resolver.ids }));
  }

  abstract accept(row: RawRow): void;
  /** Drops the records kept so far (called at the file's first error; none are kept after). */
  protected abstract discardRecords(): void;
}

export class ActualsValidator extends BaseValidator {
  readonly facts = new ActualFactTable(this.codecDimensions());
  private readonly seen = new FirstRows(this.expectedRows);
  /** Bounded ratios whose two components this file holds (D18). */
  private readonly componentBounds = new ComponentBounds(this.config.kpis);
  protected discardRecords(): void {
    this.facts.clear();
  }

  accept(row: RawRow): void {
    this.rows++;
    const cells = row.cells;
    const f = this.header.fields;
    const before = this.errors.count;
    const kpiCol = f.kpi!;
    const kpiId = this.kpi(row.row, kpiCol, cells[kpiCol] ?? null);
    const kpi = kpiId ? this.kpiById.get(kpiId) : undefined;
    if (kpi && kpi.aggregation === 'ratio') {
      const num = this.config.kpis.find((k) => k.id === kpi.numerator);
      const den = this.config.kpis.find((k) => k.id === kpi.denominator);
      this.error(
        row.row,
        kpiCol,
        cells[kpiCol] ?? null,
        'ratio_actual',
        `"${kpi.id}" (${kpi.name.zh}) is a ratio KPI computed as ${kpi.numerator} (${num?.name.zh ?? ''}) ÷ ${kpi.denominator} (${den?.name.zh ?? ''}): upload actuals of ${kpi.numerator} and ${kpi.denominator} instead, never of the ratio itself.`,
      );
    }
    const periodCol = f.period!;
    const periodCell = cells[periodCol] ?? null;
    const period = this.period(periodCell);
    if (!period.ok) this.error(row.row, periodCol, periodCell, 'bad_date', period.message);
    else this.fiscalYear(row.row, periodCol, periodCell, period);
    const valueCol = f.value!;
    const value = this.value(row, valueCol, kpi?.unit === 'percent');
    // An actual outside its KPI's declared bounds is impossible (docs/variance-decisions.md D18).
    const outOfBounds = kpi && value.ok ? outOfBoundsMessage(kpi, value.value) : null;
    if (outOfBounds) this.error(row.row, valueCol, row.cells[valueCol] ?? null, 'out_of_bounds', outOfBounds);
    const dims = this.dims(row);
    if (this.errors.count !== before || !kpi || !period.ok || !value.ok || !dims) return;
    const key = this.compositeKey(
      dims,
      this.kpiSlot.get(kpi.id)!,
      this.kpiSlot.size,
      this.periodSlot(period.key),
      PERIOD_SLOTS,
    );
    const first = this.seenBefore(this.seen, key, row.row);
    if (first !== undefined) {
      this.duplicateError(row.row, first, [kpi.id, period.key, dims]);
      return;
    }
    if (this.errors.count === 0) this.facts.push(kpi.id, period.key, dims.combo, value.value);
    if (!this.componentBounds.watches(kpi.id)) return;
    const pair = this.compositeKey(dims, this.periodSlot(period.key), PERIOD_SLOTS, 0, 1);
    const where = () => `${period.key}${dims.combo !== 0 ? ` (${dimsLabel(dims.dims)})` : ''}`;
    const problem = this.componentBounds.check(kpi.id, pair, value.value, row.row, where);
    if (problem) this.error(row.row, valueCol, cells[valueCol] ?? null, 'component_out_of_bounds', problem);
  }
}

export class TargetsValidator extends BaseValidator {
  readonly facts = new TargetFactTable(this.codecDimensions());
  private readonly seen = new FirstRows(this.expectedRows);
  protected discardRecords(): void {
    this.facts.clear();
  }
  private readonly grains = new Map<number | string, { grain: PeriodGrain; row: number }>();
  private readonly versionSlots: ReadonlyMap<string, number>;
  private readonly versions: NameResolver;
  private readonly defaultVersion: string;

  constructor(config: PlanConfig, header: HeaderMap, errors: ErrorCollector, expectedRows = 0) {
    super(config, header, errors, expectedRows);
    this.versions = new NameResolver(config.targetVersions.map((v) => ({ ...v, aliases: [] })));
    this.defaultVersion = config.targetVersions.some((v) => v.id === 'budget')
      ? 'budget'
      : config.targetVersions[0]!.id;
    this.versionSlots = new Map(config.targetVersions.map((v, i) => [v.id, i]));
  }

  accept(row: RawRow): void {
    this.rows++;
    const cells = row.cells;
    const f = this.header.fields;
    const before = this.errors.count;
    let version: string | null = this.defaultVersion;
    if (f.version !== undefined && !isBlank(cells[f.version] ?? null)) {
      const text = cellText(cells[f.version]!);
      version = this.versions.resolve(text);
      if (!version) {
        this.error(
          row.row,
          f.version,
          cells[f.version]!,
          'unknown_version',
          `Unknown target version "${text}".${this.versions.suggest(text, this.errors)} Leave it empty for ${this.defaultVersion}; a new re-forecast version must first be added to targetVersions in the configuration.`,
        );
      }
    }
    const kpiCol = f.kpi!;
    const kpiId = this.kpi(row.row, kpiCol, cells[kpiCol] ?? null);
    const kpi = kpiId ? this.kpiById.get(kpiId) : undefined;
    const periodCol = f.period!;
    const periodCell = cells[periodCol] ?? null;
    const period = this.period(periodCell);
    let fy: string | null = null;
    if (!period.ok) this.error(row.row, periodCol, periodCell, 'bad_date', period.message);
    else fy = this.fiscalYear(row.row, periodCol, periodCell, period);
    const value = this.value(row, f.value!, kpi?.unit === 'percent');
    const dims = this.dims(row);
    if (this.errors.count !== before || !version || !kpi || !period.ok || !fy || !value.ok || !dims) return;
    const versionSlot = this.versionSlots.get(version)!;
    const kpiSlot = this.kpiSlot.get(kpi.id)!;
    const key = this.compositeKey(
      dims,
      versionSlot,
      this.versionSlots.size,
      kpiSlot,
      this.kpiSlot.size,
      this.periodSlot(period.key),
      PERIOD_SLOTS,
    );
    const first = this.seenBefore(this.seen, key, row.row);
    if (first !== undefined) {
      this.duplicateError(row.row, first, [version, kpi.id, period.key, dims]);
      return;
    }
    const grainKey = this.compositeKey(
      dims,
      versionSlot,
      this.versionSlots.size,
      kpiSlot,
      this.kpiSlot.size,
      this.periodSlot(fy),
      PERIOD_SLOTS,
    );
    const grain = this.grains.get(grainKey);
    if (!grain) this.grains.set(grainKey, { grain: period.grain, row: row.row });
    else if (grain.grain !== period.grain) {
      this.error(
        row.row,
        periodCol,
        periodCell,
        'mixed_grains',
        `Targets of ${kpi.id}${dims.combo !== 0 ? ` (${dimsLabel(dims.dims).replaceAll(' ', ', ')})` : ''} in ${fy} mix grains: row ${grain.row} gives a ${grain.grain}, this row a ${period.grain}. Use one grain per KPI, dimension values and fiscal year (e.g. all months).`,
      );
      return;
    }
    if (this.errors.count === 0) this.facts.push(version, kpi.id, period.key, dims.combo, value.value);
  }
}

export class MilestonesValidator extends BaseValidator {
  readonly milestones: Milestone[] = [];
  private readonly seen = new FirstRows(this.expectedRows);
  protected discardRecords(): void {
    this.milestones.length = 0;
  }

  private text(
    row: RawRow,
    col: number | undefined,
    label: string,
    check: (text: string, label: string) => Unstorable,
  ): string | null {
    if (col === undefined) return null;
    const value = row.cells[col] ?? null;
    const text = cellText(value).trim();
    if (!text) {
      this.error(row.row, col, value, 'missing_value', `The ${label} is empty: fill it in.`);
      return null;
    }
    return this.unstorable(row.row, col, value, check(text, label)) ? null : text;
  }

  private optionalDate(row: RawRow, col: number | undefined): string | undefined | null {
    if (col === undefined || isBlank(row.cells[col] ?? null)) return undefined;
    const value = row.cells[col]!;
    const date = parseDateCell(value, this.startMonth);
    if (!date.ok) {
      this.error(row.row, col, value, 'bad_date', date.message);
      return null;
    }
    return date.date;
  }

  accept(row: RawRow): void {
    this.rows++;
    const f = this.header.fields;
    const before = this.errors.count;
    const id = this.text(row, f.id, 'milestone id', unstorableKey);
    const title = this.text(row, f.title, 'title', unstorableText);
    const owner = this.text(row, f.owner, 'owner', unstorableText);
    let due: string | null = null;
    const dueCell = row.cells[f.due!] ?? null;
    const dueDate = parseDateCell(dueCell, this.startMonth);
    if (dueDate.ok) due = dueDate.date;
    else this.error(row.row, f.due, dueCell, 'bad_date', dueDate.message);
    const start = this.optionalDate(row, f.start);
    const completedOn = this.optionalDate(row, f.completedOn);
    if (due && start && start > due) {
      this.error(
        row.row,
        f.start,
        row.cells[f.start!] ?? null,
        'start_after_due',
        `The start ${start} is after the due date ${due}: correct one of them.`,
      );
    }
    let weight = 1;
    if (f.weight !== undefined && !isBlank(row.cells[f.weight] ?? null)) {
      const cell = row.cells[f.weight]!;
      const n = parseNumber(cell, false);
      if (!n.ok || n.value <= 0) {
        this.error(
          row.row,
          f.weight,
          cell,
          'bad_number',
          'The weight must be a positive number such as 1 or 2 (leave empty for 1).',
        );
      } else if (!this.unstorable(row.row, f.weight, cell, unstorableNumber(n.value))) weight = n.value;
    }
    let progress: number | undefined;
    if (f.progress !== undefined && !isBlank(row.cells[f.progress] ?? null)) {
      const cell = row.cells[f.progress]!;
      const n = parseNumber(cell, true);
      if (!n.ok || n.value < 0 || n.value > 1) {
        this.error(
          row.row,
          f.progress,
          cell,
          'bad_progress',
          'The progress must be between 0 and 1 or 0% and 100% (e.g. 0.6 or 60%).',
        );
      } else progress = n.value;
    }
    let status: MilestoneStatus = 'not_started';
    if (f.status !== undefined && !isBlank(row.cells[f.status] ?? null)) {
      const cell = row.cells[f.status]!;
      const hit = STATUS_LOOKUP.get(foldName(cellText(cell)));
      if (!hit) {
        this.error(
          row.row,
          f.status,
          cell,
          'bad_status',
          `Unknown status "${cellText(cell)}": write one of not_started/未开始, in_progress/进行中, done/已完成, blocked/受阻, cancelled/已取消.`,
        );
      } else status = hit;
    }
    if (completedOn && status !== 'done' && status !== 'cancelled') {
      this.error(
        row.row,
        f.completedOn,
        row.cells[f.completedOn!] ?? null,
        'completed_not_done',
        `A completion date is given but the status is ${status}: set the status to done (已完成) or clear the completion date.`,
      );
    }
    let kpi: string | undefined;
    if (f.kpi !== undefined && !isBlank(row.cells[f.kpi] ?? null)) {
      kpi = this.kpi(row.row, f.kpi, row.cells[f.kpi]!) ?? undefined;
    }
    const dims = this.dims(row);
    if (this.errors.count !== before || !id || !title || !owner || !due || !dims) return;
    const first = this.seenBefore(this.seen, id, row.row);
    if (first !== undefined) {
      this.duplicateError(row.row, first, ['milestone id', id]);
      return;
    }
    if (this.errors.count > 0) return;
    this.milestones.push({
      id,
      title,
      owner,
      start: start ?? undefined,
      due,
      weight,
      progress,
      status,
      completedOn: completedOn ?? undefined,
      kpi,
      ...(dims.combo !== 0 ? { dims: dims.dims } : {}),
    });
  }
}

export type KindValidator = ActualsValidator | TargetsValidator | MilestonesValidator;

export function createValidator(
  kind: UploadKind,
  config: PlanConfig,
  header: HeaderMap,
  errors: ErrorCollector,
  expectedRows = 0,
): KindValidator {
  if (kind === 'actuals') return new ActualsValidator(config, header, errors, expectedRows);
  if (kind === 'targets') return new TargetsValidator(config, header, errors, expectedRows);
  return new MilestonesValidator(config, header, errors, expectedRows);
}
