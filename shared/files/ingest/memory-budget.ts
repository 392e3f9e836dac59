/**
 * How much memory the text an upload makes the readers keep may take, and the refusal when a
 * file would need more. A 29 MB workbook whose shared-strings part inflates to 1.9 GB passed
 * every zip limit and then ran the ingest function out of heap; with a budget it is refused
 * with a message before anything big is inflated.
 *
 * Where the budget comes from: the function's memory. In Lambda, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`
 * (MB) is set by the service, and the V8 heap is capped below it by `--max-old-space-size` in
 * NODE_OPTIONS (heapMb of infra/lambda-sizing.json, 3,072 MB of 4,096 MB for ingest-upload); V8
 * reports that cap as `heap_size_limit`. Outside Lambda (tests, `npm start`) only the heap
 * limit applies. Half of the smaller of the two is the budget: the other half is for the
 * uploaded body itself, the facts, the inflate buffers and V8's own slack.
 */
import { getHeapStatistics } from 'node:v8';
import { UploadFileError } from './errors.ts';

const MB = 1024 * 1024;

/** Bytes of kept text a file may need, for the memory this process has. */
export function defaultMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const heap = getHeapStatistics().heap_size_limit;
  const functionMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  const functionBytes = Number.isFinite(functionMb) && functionMb > 0 ? functionMb * MB : heap;
  return Math.floor(Math.min(heap, functionBytes) / 2);
}

/** Bytes a JavaScript string of `chars` characters may take (two per character at worst). */
export function stringBytes(chars: number): number {
  return chars * 2;
}

/** Per-string overhead of a kept string and its array slot (header, pointer), rounded up. */
export const STRING_OVERHEAD_BYTES = 32;

/** The refusal: what would not fit, how much it needs and how much there is. */
export function memoryRefusal(what: string, neededBytes: number, budgetBytes: number): UploadFileError {
  const mb = (bytes: number) => Math.ceil(bytes / MB).toLocaleString('en-US');
  return new UploadFileError(
    `The file was refused before reading it whole: ${what} needs about ${mb(neededBytes)} MB of memory, more than the ${mb(budgetBytes)} MB an upload may use. Split the data into smaller files (or remove long text columns) and upload them one by one. 文件内容过大，超出内存上限，请拆分后上传。`,
    'memory_budget',
  );
}

/** Counts the bytes of text kept so far and refuses the file once they pass the budget. */
export class KeptText {
  private bytes = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly what: string,
  ) {}

  /** `chars` more characters kept, in `strings` more strings. */
  add(chars: number, strings = 0): void {
    this.bytes += stringBytes(chars) + strings * STRING_OVERHEAD_BYTES;
    if (this.bytes > this.budgetBytes) throw memoryRefusal(this.what, this.bytes, this.budgetBytes);
  }
}
