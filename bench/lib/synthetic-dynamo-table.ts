/**
 * The table behind the synthetic DynamoDB endpoint (synthetic-dynamo.ts): a year of
 * `12 KPIs × combos × 366` daily actuals as the store would hold them after one committed
 * upload, generated item by item from the key — nothing is stored, so 3.28M roll-up items
 * (100M facts) cost no memory and no set-up time. Why: dynalite writes ~10³ items/s, too slow to
 * set up the report reads of issue 16's scale model (bench/NOTES.md, "Scale model").
 *
 * What it holds, shaped by the store's own code so shapes cannot drift:
 * - monthly roll-ups `R#<kpi>#<yyyy-mm>` / `<dimsKey>`: the daily facts of one bucket
 *   ({@link actualAt}) folded by `foldRollup` and written by `rollupItem` (fact-versions.ts);
 * - monthly budget targets `T#budget#<kpi>` (generateTargets), committed;
 * - the upload's commit item `C` / `<uploadId>` for any id, and the commit generation `CGEN`;
 * - nothing else: other partitions (coarse actuals, milestones …) are empty.
 * Partitions are sorted by sort key and paged at DynamoDB's 1 MB like the real service.
 */
import type { Item } from '../../shared/adapters/dynamo-batch.ts';
import { foldRollup, rollupItem, sourceAttrs } from '../../shared/adapters/fact-versions.ts';
import { dimsKey, keys } from '../../shared/adapters/table-design.ts';
import type { UploadSource } from '../../shared/ports/index.ts';
import { itemSize } from './dynamo-json.ts';
import { actualAt, combo, generateTargets, KPI_COUNT, kpiId, SEED, yearDays } from './plan.ts';

/** DynamoDB's limit on the data one Query page reads. */
export const PAGE_BYTES = 1024 * 1024;

/** The one upload every item comes from (committed). */
export const SYNTHETIC_SOURCE: UploadSource = {
  bucket: 'bench-uploads',
  key: 'incoming/actuals/synthetic.csv',
  versionId: null,
  order: '2028-12-31T00:00:00.000Z#0000000001',
  uploadedBy: null,
};
const WRITTEN_AT = '2029-01-01T00:00:00.000Z';
const NO_COMMITS = new Map<string, string>();

export interface SyntheticTableOptions {
  /** Dimension combinations (above 2,000 the wide dimensions of `combo`). */
  readonly combos: number;
  readonly seed?: number;
}

export interface QueryPage {
  readonly items: Item[];
  /** Sort key of the page's last item when the partition goes on. */
  readonly lastSk?: string;
}

interface Series {
  /** Combination index per position in sort-key order. */
  readonly comboAt: Int32Array;
  /** Sort keys (dimsKeys) in order. */
  readonly sks: readonly string[];
  readonly positionOf: ReadonlyMap<string, number>;
  readonly dims: readonly Readonly<Record<string, string>>[];
}

export class SyntheticTable {
  readonly combos: number;
  private readonly seed: number;
  private readonly series: Series;
  private readonly days = yearDays();
  /** First day index of each month `yyyy-mm` of the year, and its length. */
  private readonly months = new Map<string, { first: number; length: number }>();
  private readonly kpiIndex = new Map<string, number>();
  /** Target items per partition, sorted by sort key. */
  private readonly targets = new Map<string, Item[]>();

  constructor(options: SyntheticTableOptions) {
    this.combos = options.combos;
    this.seed = options.seed ?? SEED;
    const wide = this.combos > 2000;
    const dims = Array.from({ length: this.combos }, (_, c) => combo(c, wide));
    const dks = dims.map((d) => dimsKey(d));
    const order = Array.from({ length: this.combos }, (_, c) => c).sort((a, b) =>
      dks[a]! < dks[b]! ? -1 : dks[a]! > dks[b]! ? 1 : 0,
    );
    const sks = order.map((c) => dks[c]!);
    this.series = {
      comboAt: Int32Array.from(order),
      sks,
      positionOf: new Map(sks.map((sk, i) => [sk, i])),
      dims,
    };
    this.days.forEach((day, i) => {
      const m = this.months.get(day.slice(0, 7));
      if (m) m.length += 1;
      else this.months.set(day.slice(0, 7), { first: i, length: 1 });
    });
    for (let k = 0; k < KPI_COUNT; k++) this.kpiIndex.set(kpiId(k), k);
    const source = sourceAttrs(SYNTHETIC_SOURCE, WRITTEN_AT);
    for (const t of generateTargets(KPI_COUNT, this.combos)) {
      const dk = dimsKey(t.dims);
      const key = keys.target(t.version, t.kpi, t.period, dk);
      const list = this.targets.get(key.pk) ?? [];
      list.push({
        ...key,
        version: t.version,
        kpi: t.kpi,
        period: t.period,
        dims: t.dims,
        dimsKey: dk,
        value: t.value,
        ...source,
      });
      this.targets.set(key.pk, list);
    }
    for (const list of this.targets.values()) list.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
  }

  /** Roll-up items in the whole table: KPIs × combinations × months. */
  get rollupItems(): number {
    return KPI_COUNT * this.combos * this.months.size;
  }

  /** The item under (pk, sk), as GetItem/BatchGetItem return it. */
  get(pk: string, sk: string): Item | undefined {
    if (pk === 'C') return { ...keys.commit(sk), committedAt: WRITTEN_AT };
    if (pk === keys.commitGeneration.pk && sk === keys.commitGeneration.sk) {
      return { ...keys.commitGeneration, generation: 1 };
    }
    const rollup = this.rollupPartition(pk);
    if (rollup) {
      const position = this.series.positionOf.get(sk);
      return position === undefined ? undefined : this.rollup(rollup.k, rollup.month, position);
    }
    return this.targets.get(pk)?.find((t) => t.sk === sk);
  }

  /**
   * One Query page of partition `pk` after sort key `afterSk`: items in sort-key order until
   * the next would pass 1 MB (or `limit` items), as DynamoDB pages.
   */
  query(pk: string, afterSk?: string, limit = Number.POSITIVE_INFINITY): QueryPage {
    const rollup = this.rollupPartition(pk);
    const count = rollup ? this.combos : (this.targets.get(pk)?.length ?? 0);
    const skAt = (i: number) => (rollup ? this.series.sks[i]! : String(this.targets.get(pk)![i]!.sk));
    let i = afterSk === undefined ? 0 : firstAfter(count, skAt, afterSk);
    const items: Item[] = [];
    let bytes = 0;
    for (; i < count && items.length < limit; i++) {
      const item = rollup ? this.rollup(rollup.k, rollup.month, i) : this.targets.get(pk)![i]!;
      const size = itemSize(item);
      if (items.length > 0 && bytes + size > PAGE_BYTES) break;
      bytes += size;
      items.push(item);
    }
    return i < count ? { items, lastSk: String(items[items.length - 1]!.sk) } : { items };
  }

  /** The generated daily actual of KPI k, combination c, day index `day` of the year. */
  actual(k: number, c: number, day: number): number {
    return actualAt(k, c, day, this.seed);
  }

  private rollupPartition(pk: string): { k: number; month: string } | undefined {
    if (!pk.startsWith('R#')) return undefined;
    const cut = pk.lastIndexOf('#');
    const k = this.kpiIndex.get(pk.slice(2, cut));
    const month = pk.slice(cut + 1);
    return k !== undefined && this.months.has(month) ? { k, month } : undefined;
  }

  /** The roll-up at sort position `position` of (KPI k, month): folded as the store folds. */
  private rollup(k: number, month: string, position: number): Item {
    const c = this.series.comboAt[position]!;
    const { first, length } = this.months.get(month)!;
    const facts: Item[] = new Array(length);
    for (let d = 0; d < length; d++) {
      facts[d] = {
        period: this.days[first + d],
        value: this.actual(k, c, first + d),
        srcOrder: SYNTHETIC_SOURCE.order,
      };
    }
    return rollupItem(
      { kpi: kpiId(k), month, dimsKey: this.series.sks[position]!, dims: this.series.dims[c]! },
      foldRollup(facts, NO_COMMITS),
      WRITTEN_AT,
    );
  }
}

/** First position whose sort key is greater than `sk` (binary search over sorted keys). */
function firstAfter(count: number, skAt: (i: number) => string, sk: string): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (skAt(mid) <= sk) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
