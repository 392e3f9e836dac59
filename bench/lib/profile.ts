/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) into markdown: the functions with the
 * most self time, and self time per package or source file, so the profile that shows what
 * limits a workload can be committed as a short text instead of a multi-megabyte JSON.
 */
import { readFileSync } from 'node:fs';

interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** `node_modules/<pkg>` (scoped too), a repository path, or the V8/Node category. */
export function moduleOf(url: string): string {
  if (!url) return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return url;
  const repo = /\/(shared|bench|functions|infra|test)\/(.*)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2]}`;
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const repo = /\/((?:shared|bench|functions|infra|test)\/.*)$/.exec(url);
  return repo ? repo[1]! : url.replace(/^file:\/\//, '');
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly { name: string; where: string; ms: number; share: number }[];
  readonly modules: readonly { module: string; ms: number; share: number }[];
}

export function summariseProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const mod = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    // Idle time is the thread waiting, not work: left out of the shares.
    if (!node || node.callFrame.functionName === '(idle)') continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const m = moduleOf(url);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const share = (us: number) => (total > 0 ? us / total : 0);
  return {
    totalMs: total / 1000,
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: share(f.us) })),
    modules: [...mod.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([module, us]) => ({ module, ms: us / 1000, share: share(us) })),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The markdown committed as bench/profiles/<workload>.md. */
export function profileMarkdown(title: string, context: string, summary: ProfileSummary): string {
  const lines = [
    `# Profile: ${title}`,
    '',
    context,
    '',
    `Sampled self time of the busiest thread (idle excluded): ${(summary.totalMs / 1000).toFixed(2)} s.`,
    '',
    '## Self time by package / source file',
    '',
    '| module | self ms | share |',
    '|---|---:|---:|',
    ...summary.modules.map((m) => `| ${m.module} | ${m.ms.toFixed(0)} | ${pct(m.share)} |`),
    '',
    '## Top functions by self time',
    '',
    '| function | where | self ms | share |',
    '|---|---|---:|---:|',
    ...summary.functions.map(
      (f) =>
        `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.where || '—'} | ${f.ms.toFixed(0)} | ${pct(f.share)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
