/**
 * Progress on standard error: a bar (cli-progress) when it is a terminal, plain lines otherwise
 * (the start of each phase, every tenth of it, and its end), so logs and pipes stay readable.
 * Both show the throughput (steps per second since the phase began) and cli-progress's ETA.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Progress } from '../analysis/index.js';

/** Where progress is written, and whether it is a terminal. */
export interface ProgressStream {
  readonly write: (text: string) => void;
  readonly isTTY: boolean;
}

/** Progress as a bar on a terminal, as lines elsewhere. */
export function streamProgress(stream: ProgressStream): Progress {
  return stream.isTTY ? barProgress() : lineProgress(stream.write);
}

/** Steps per second since `started`, as shown. */
function rate(done: number, started: number): string {
  const seconds = (performance.now() - started) / 1000;
  return seconds > 0 ? (done / seconds).toFixed(done / seconds >= 100 ? 0 : 1) : '0';
}

function barProgress(): Progress {
  let bar: SingleBar | undefined;
  let started = 0;
  let done = 0;
  return {
    start(label, total) {
      done = 0;
      bar = new SingleBar(
        {
          format: `${label.padEnd(28)} {bar} {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} | {duration_formatted}`,
          etaBuffer: 50,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      started = performance.now();
      bar.start(total, 0, { rate: '0' });
    },
    advance(steps = 1) {
      if (bar === undefined) return;
      done += steps;
      bar.increment(steps, { rate: rate(done, started) });
    },
    finish() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** Plain progress lines: one when a phase starts, at each further tenth, and when it ends. */
export function lineProgress(write: (text: string) => void): Progress {
  let label = '';
  let total = 0;
  let done = 0;
  let tenth = 0;
  let started = 0;
  return {
    start(name, steps) {
      [label, total, done, tenth, started] = [name, steps, 0, 0, performance.now()];
      write(`${label}: ${steps} steps\n`);
    },
    advance(steps = 1) {
      done += steps;
      const reached = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (reached > tenth && reached < 10) {
        const seconds = (performance.now() - started) / 1000;
        const eta = done > 0 ? ((total - done) * seconds) / done : 0;
        write(
          `${label}: ${10 * reached} % (${done}/${total}), ${rate(done, started)}/s, ETA ${eta.toFixed(0)} s\n`,
        );
      }
      tenth = Math.max(tenth, reached);
    },
    finish() {
      write(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}
