/**
 * Progress for long CLI work: a spinner with a counter on a terminal, plain lines otherwise
 * (CI logs and pipes must not fill up with carriage returns).
 */
export interface Progress {
  /** Starts (or replaces) the current step. */
  step(label: string): void;
  /** Updates the current step's counter, e.g. files done of total. */
  update(done: number, total?: number): void;
  /** Ends the current step with a final line. */
  done(message?: string): void;
  /** Prints a line without disturbing the spinner. */
  log(line: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A progress printer for `stream`; quiet prints nothing but `log` lines. */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: { quiet?: boolean } = {},
): Progress {
  const tty = stream.isTTY === true && !options.quiet;
  let label = '';
  let counter = '';
  let frame = 0;
  let timer: NodeJS.Timeout | null = null;
  let lastPlain = 0;
  const render = () => {
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}${counter}`);
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
    if (tty) stream.write('\r\x1b[2K');
  };
  return {
    step(next) {
      stop();
      label = next;
      counter = '';
      if (options.quiet) return;
      if (tty) {
        render();
        timer = setInterval(render, 100);
        timer.unref();
      } else {
        stream.write(`… ${label}\n`);
      }
    },
    update(done, total) {
      counter = total === undefined ? ` ${done}` : ` ${done}/${total}`;
      if (options.quiet || tty) return;
      // Plain output: a line at most every 2 s (and at the end) keeps logs readable.
      const now = Date.now();
      if (now - lastPlain > 2000 || done === total) {
        lastPlain = now;
        stream.write(`  ${label}${counter}\n`);
      }
    },
    done(message) {
      stop();
      if (!options.quiet && message !== undefined) stream.write(`✔ ${message}\n`);
      label = '';
    },
    log(line) {
      if (tty && timer) stream.write('\r\x1b[2K');
      stream.write(`${line}\n`);
      if (tty && timer) render();
    },
  };
}
