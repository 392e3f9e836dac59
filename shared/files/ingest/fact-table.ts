/**
 * The facts an upload's validation accepted, held as typed-array columns until the store
 * writes them: KPI, period and target version as indexes into the few distinct texts a file
 * repeats, the dimension values as their combination number (dims-codec.ts), the value as a
 * float — 22 bytes a fact (24 with a version) instead of an object of ~140 bytes (issue 16:
 * a 1M-row file used to keep a million objects). A fact becomes an `ActualFact` or
 * `TargetFact` only when {@link FactTable.at} is asked for it, which the store does slice
 * by slice; columns grow in fixed blocks, so growing never copies what is held.
 */
import type { ActualFact, TargetFact } from '../../domain/types.ts';
import type { FactList } from '../../ports/index.ts';
import type { CodecDimension } from './dims-codec.ts';
import { DimsCodec } from './dims-codec.ts';
import { TextPool } from './text-pool.ts';

/** Facts per block: 16,384 × 24 bytes = 384 KB. */
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;
const MASK = BLOCK - 1;
/** A small file's table starts small: the first block doubles until it is a whole block. */
const FIRST_CAPACITY = 64;

interface Block {
  readonly kpi: Uint16Array;
  readonly period: Uint32Array;
  readonly dims: Float64Array;
  readonly value: Float64Array;
  /** Targets only. */
  readonly version: Uint16Array | null;
}

abstract class FactColumns<T> implements FactList<T> {
  protected blocks: Block[] = [];
  length = 0;
  protected readonly kpis = new TextPool();
  protected readonly periods = new TextPool();
  protected readonly versions = new TextPool();
  private readonly codec: DimsCodec;

  /** `dimensions`: those the file's combinations are numbered over, in the validator's order. */
  constructor(
    dimensions: readonly CodecDimension[],
    private readonly withVersion: boolean,
  ) {
    this.codec = new DimsCodec(dimensions);
  }

  /** Appends a fact; `combo` is the validator's combination number (or text) of its dims. */
  protected append(
    version: string | null,
    kpi: string,
    period: string,
    combo: number | string,
    value: number,
  ) {
    const i = this.length;
    if (i >>> BLOCK_BITS === this.blocks.length)
      this.blocks.push(this.newBlock(i === 0 ? FIRST_CAPACITY : BLOCK));
    else if (i < BLOCK && i === this.blocks[0]!.value.length) this.blocks[0] = this.grown(this.blocks[0]!);
    const block = this.blocks[i >>> BLOCK_BITS]!;
    const at = i & MASK;
    block.kpi[at] = this.kpis.code(kpi);
    block.period[at] = this.periods.code(period);
    block.dims[at] = this.codec.encode(combo);
    block.value[at] = value;
    if (block.version) block.version[at] = this.versions.code(version!);
    this.length = i + 1;
  }

  /** Drops every fact (a file is rejected whole at its first error). */
  clear(): void {
    this.blocks = [];
    this.length = 0;
  }

  abstract at(index: number): T | undefined;

  /** Every fact as an object (tests and small files; the store reads with {@link at}). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i)!);
    return out;
  }

  /** The block holding fact `index`, or undefined when there is no such fact. */
  protected blockOf(index: number): Block | undefined {
    return index >= 0 && index < this.length ? this.blocks[index >>> BLOCK_BITS] : undefined;
  }

  /** The fact at position `at` of `block`, without a target version. */
  protected factAt(block: Block, at: number): ActualFact {
    return {
      kpi: this.kpis.texts[block.kpi[at]!]!,
      period: this.periods.texts[block.period[at]!]!,
      dims: this.codec.decode(block.dims[at]!),
      value: block.value[at]!,
    };
  }

  private newBlock(size: number): Block {
    return {
      kpi: new Uint16Array(size),
      period: new Uint32Array(size),
      dims: new Float64Array(size),
      value: new Float64Array(size),
      version: this.withVersion ? new Uint16Array(size) : null,
    };
  }

  /** `block` copied into one twice its size (the first block only, up to {@link BLOCK}). */
  private grown(block: Block): Block {
    const next = this.newBlock(block.value.length * 2);
    next.kpi.set(block.kpi);
    next.period.set(block.period);
    next.dims.set(block.dims);
    next.value.set(block.value);
    next.version?.set(block.version!);
    return next;
  }
}

export class ActualFactTable extends FactColumns<ActualFact> {
  constructor(dimensions: readonly CodecDimension[]) {
    super(dimensions, false);
  }

  push(kpi: string, period: string, combo: number | string, value: number): void {
    this.append(null, kpi, period, combo, value);
  }

  at(index: number): ActualFact | undefined {
    const block = this.blockOf(index);
    return block && this.factAt(block, index & MASK);
  }
}

export class TargetFactTable extends FactColumns<TargetFact> {
  constructor(dimensions: readonly CodecDimension[]) {
    super(dimensions, true);
  }

  push(version: string, kpi: string, period: string, combo: number | string, value: number): void {
    this.append(version, kpi, period, combo, value);
  }

  at(index: number): TargetFact | undefined {
    const block = this.blockOf(index);
    if (!block) return undefined;
    const at = index & MASK;
    return { version: this.versions.texts[block.version![at]!]!, ...this.factAt(block, at) };
  }
}
