/**
 * The side of a workload process: reads its parameters from argv, reports one JSON line on
 * stdout with the process's own peak RSS (`resourceUsage().maxRSS`, in KiB on every platform).
 */
import { performance } from 'node:perf_hooks';

export function params<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('workload parameters missing: pass them as a JSON argument');
  return JSON.parse(raw) as T;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Milliseconds `fn` took, and the CPU time this process spent meanwhile (`cpuMs`): on a machine
 * shared with other work the wall-clock figure stretches, the CPU figure does not.
 */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

/** Prints the result line the runner parses; the peak RSS is added here, at the very end. */
export function report(result: Record<string, unknown>): void {
  const cpu = process.cpuUsage();
  // CPU time of the whole process (start-up included): on a busy machine it shows what the
  // wall-clock figures would be on a quiet one.
  const processCpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ ...result, processCpuMs, peakRssMb: peakRssMb() })}\n`);
}
