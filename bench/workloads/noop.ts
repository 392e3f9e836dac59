/** The harness floor: what a workload process costs before it does anything. */
import { report } from '../lib/child.ts';

report({ ms: 0 });
