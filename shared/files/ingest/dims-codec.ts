/**
 * A row's dimension values as one number, and back. The validator already computes each row's
 * combination as a mixed-radix number over the dimensions' value positions (0 = blank); a fact
 * table keeps that number (8 bytes) instead of a dims object (~100 bytes, one per row once a
 * file has more distinct combinations than a pool could share), and this codec turns it back
 * into the very object the validator would have built.
 */
import type { DimensionValues } from '../../domain/types.ts';
import { TextPool } from './text-pool.ts';

export interface CodecDimension {
  readonly id: string;
  /** Value ids in configuration order: position p (1-based) in a combination is `values[p - 1]`. */
  readonly values: readonly string[];
}

const NO_DIMS: DimensionValues = Object.freeze({});

export class DimsCodec {
  /**
   * True when every combination fits a safe integer (all but huge configurations); otherwise
   * combinations are text (`"3,0,5,"`, one position per dimension) and stored as an index into
   * {@link combos}.
   */
  readonly numeric: boolean;
  private readonly combos = new TextPool();
  private readonly positions: Int32Array;
  // Facts come grouped by combination in most files: the same code decodes to the same object,
  // which also lets the store cache a dims key per object.
  private lastCode = -1;
  private lastDims: DimensionValues = NO_DIMS;

  constructor(private readonly dimensions: readonly CodecDimension[]) {
    const space = dimensions.reduce((s, d) => s * (d.values.length + 1), 1);
    this.numeric = space <= Number.MAX_SAFE_INTEGER;
    this.positions = new Int32Array(dimensions.length);
  }

  /**
   * The number to store for a combination as the validator computes it: the combination itself
   * when numeric; else an index per distinct text. 0 (no dimension given) is 0 either way.
   */
  encode(combo: number | string): number {
    if (typeof combo === 'number') {
      if (this.numeric) return combo;
      if (combo !== 0) throw new Error(`numeric combination ${combo} where combinations are text`);
      combo = '';
    }
    return this.combos.code(combo);
  }

  /** The frozen dims object of a stored code (blank dimensions left out, configuration order). */
  decode(code: number): DimensionValues {
    if (code === this.lastCode) return this.lastDims;
    const positions = this.positions;
    const dimensions = this.dimensions;
    if (this.numeric) {
      let rest = code;
      for (let n = dimensions.length - 1; n >= 0; n--) {
        const radix = dimensions[n]!.values.length + 1;
        positions[n] = rest % radix;
        rest = (rest - positions[n]!) / radix;
      }
    } else {
      const parts = this.combos.texts[code]!.split(',');
      for (let n = 0; n < dimensions.length; n++) positions[n] = Number(parts[n] || 0);
    }
    let dims: Record<string, string> | null = null;
    for (let n = 0; n < dimensions.length; n++) {
      const p = positions[n]!;
      if (p === 0) continue;
      dims ??= {};
      dims[dimensions[n]!.id] = dimensions[n]!.values[p - 1]!;
    }
    this.lastCode = code;
    this.lastDims = dims ? Object.freeze(dims) : NO_DIMS;
    return this.lastDims;
  }
}
