/**
 * Which grain each series (version, KPI, dimension values, fiscal year) uses, across uploads.
 * Claimed under the writer lock of the upload's kind, so two uploads cannot claim one series
 * in two grains at once. A claim is refused while another upload's *committed* facts hold the
 * series in another grain — unless the claimer is a newer version of that same object (the
 * documented way to switch grain): then the series' facts of the old grain are hidden at the
 * claimer's commit (see {@link GrainRegistry.claim}). A claim left by an upload that never
 * committed (it failed, or ended in the dead-letter queue) holds nothing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GrainClaim, GrainConflict, UploadSource } from '../ports/index.ts';
import { batchGet, batchPut, type Item, type RequestCounter, type Retrier } from './dynamo-batch.ts';
import { dimsKey, keys } from './table-design.ts';
import type { UploadCommits } from './upload-commits.ts';

export function grainKey(claim: Pick<GrainClaim, 'version' | 'kpi' | 'fiscalYear' | 'dims'>) {
  const series = claim.version === null ? `A#${claim.kpi}` : `T#${claim.version}#${claim.kpi}`;
  return { pk: keys.grainPartition(series), sk: `${claim.fiscalYear}#${dimsKey(claim.dims)}` };
}

/** A series whose grain this upload switches: facts of `from` in it are to be hidden. */
export interface GrainSwitch {
  readonly claim: GrainClaim;
  readonly from: string;
}

export class GrainRegistry {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retrier: Retrier,
    private readonly commits: UploadCommits,
  ) {}

  /**
   * Checks every claim, then (only when none conflicts) records them as this upload's. Returns
   * the conflicts, and the series whose grain this upload switches as a newer version of the
   * holder's object.
   */
  async claim(
    claims: readonly GrainClaim[],
    source: UploadSource,
    uploadId: string,
    counter: RequestCounter,
  ): Promise<{ conflicts: GrainConflict[]; switches: GrainSwitch[] }> {
    if (claims.length === 0) return { conflicts: [], switches: [] };
    const held = new Map<string, Item>();
    const stored = await batchGet(this.doc, this.table, claims.map(grainKey), this.retrier, counter);
    for (const item of stored) held.set(`${item.pk}\u0000${item.sk}`, item);
    const commits = await this.commits.committed(
      stored.map((item) => String(item.u)),
      counter,
    );
    const conflicts: GrainConflict[] = [];
    const switches: GrainSwitch[] = [];
    const writes: Item[] = [];
    for (const claim of claims) {
      const key = grainKey(claim);
      const holder = held.get(`${key.pk}\u0000${key.sk}`);
      const live = holder !== undefined && commits.has(String(holder.u)) && holder.u !== uploadId;
      // A retry of a switch that was claimed but not committed: hide the old grain again (the
      // first attempt may have stopped half-way through).
      let from =
        holder?.u === uploadId && typeof holder.switchedFrom === 'string' ? holder.switchedFrom : undefined;
      if (live && holder.grain === claim.grain) continue;
      if (live && holder.grain !== claim.grain) {
        const sameObject = holder.bucket === source.bucket && holder.key === source.key;
        if (sameObject && String(holder.u) < uploadId) from = String(holder.grain);
        else {
          conflicts.push({
            claim,
            held: {
              grain: String(holder.grain),
              bucket: String(holder.bucket),
              key: String(holder.key),
              versionId: (holder.versionId as string | null | undefined) ?? null,
            },
          });
          continue;
        }
      }
      if (from !== undefined) switches.push({ claim, from });
      writes.push({
        ...key,
        ...(from !== undefined ? { switchedFrom: from } : {}),
        grain: claim.grain,
        u: uploadId,
        bucket: source.bucket,
        key: source.key,
        versionId: source.versionId,
      });
    }
    if (conflicts.length === 0) await batchPut(this.doc, this.table, writes, this.retrier, counter);
    return { conflicts, switches };
  }
}
