/** `plan-monitor serve`: the same as `npm start -- --serve`. */
import type { CliContext } from '../context.ts';

export const serveCommand = {
  summary: 'start the local stack and keep it up',
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { runStart } = await import('../../../infra/local/start.ts');
    return runStart(['--serve', ...args], ctx.io, { invokedAs: 'plan-monitor serve' });
  },
};
