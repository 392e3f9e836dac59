import { describe, expect, it } from 'vitest';
import { INGEST_SEMI_SPACE_MB, nodeOptions } from '../../infra/v8-flags.ts';
import { sharedTemplate } from './support/synthesized.ts';

describe('V8 flags of the functions', () => {
  it('gives only the ingest function the larger young generation the benchmark measured with', () => {
    const template = sharedTemplate('dev');
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      /(IngestUpload|ScheduleReport|RunReport)Function[0-9A-F]{8}$/.test(id),
    );
    expect(functions).toHaveLength(3);
    for (const [id, fn] of functions) {
      const options: string = fn.Properties.Environment.Variables.NODE_OPTIONS;
      expect(options, id).toMatch(/--max-old-space-size=\d+/);
      // Parsing the source map at module load cost each cold start 70–150 ms (infra/v8-flags.ts).
      expect(options, id).not.toContain('--enable-source-maps');
      if (id.includes('IngestUpload'))
        expect(options).toContain(`--max-semi-space-size=${INGEST_SEMI_SPACE_MB}`);
      else expect(options, id).not.toContain('--max-semi-space-size');
    }
  });

  it('builds NODE_OPTIONS from the heap cap and the optional semi-space size', () => {
    expect(nodeOptions(2256)).toBe('--max-old-space-size=2256');
    expect(nodeOptions(2256, 32)).toBe('--max-old-space-size=2256 --max-semi-space-size=32');
  });
});
