/**
 * The `provlrp` command. Every subcommand has its own `--help`. A `ProvlrpError` (bad input) is
 * caught here, once, and printed as one line with a non-zero exit code; any other exception is a
 * bug and keeps its stack.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXPERIMENT_NAMES, EXPERIMENTS } from '../analysis/index.js';
import { ANNOTATION_NAMES } from '../circuits/index.js';
import { InvalidArgumentError, ProvlrpError } from '../core/errors.js';
import { COMPOSITE_NAMES } from '../nn/lrp/index.js';
import { SEMIRING_NAMES, SEMIRINGS } from '../semirings/index.js';
import { runDemo } from './demo/index.js';
import { EXPERIMENT_FLAG_DEFAULTS, type ExperimentFlags, runExperiments } from './experiment.js';
import { EXPLAIN_DEFAULTS, type ExplainFlags, explain } from './explain.js';
import {
  EXPLAIN_DATASET_DEFAULTS,
  type ExplainDatasetFlags,
  explainDatasetCommand,
  type WorkerFlags,
  workerCommand,
} from './explain-dataset.js';
import { streamProgress } from './progress.js';
import { formatTable } from './table.js';

/** The package's version, read from its package.json. */
function packageVersion(): string {
  const json = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(json) as { version: string }).version;
}

/** Output streams, replaceable for tests. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Told of the typed error behind a non-zero exit, before its line is printed. */
  readonly failed?: (error: ProvlrpError) => void;
  /** Whether `err` is a terminal (progress bars then, plain lines otherwise). */
  readonly errIsTTY?: boolean;
}

const PROCESS_IO: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
};

function program(io: Io): Command {
  const print = (line: string): void => io.out(`${line}\n`);
  const root = new Command('provlrp')
    .description('Semiring-generalised Layer-wise Relevance Propagation: explain a network in any semiring.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  root
    .command('demo')
    .description(
      'run the demonstration: K-LRP of a small DAG in every numeric semiring, then the shipped MNIST MLP ' +
        'explained in ℝ, 𝔹, ℕ, Viterbi and tropical, with a figure and a report',
    )
    .option('--out <dir>', 'where to write the figure and the report', 'provlrp-out')
    .option('--digits <n>', 'how many test digits to explain', '5')
    .action((flags: { out: string; digits: string }) => {
      const digits = Number(flags.digits);
      if (!Number.isInteger(digits) || digits < 1 || digits > 100)
        throw new InvalidArgumentError(
          'demo --digits',
          `"${flags.digits}" is not a whole number from 1 to 100`,
        );
      runDemo(print, { out: flags.out, digits });
    });

  root
    .command('explain')
    .description('LRP of a batch, real-valued or in any semiring: writes the relevance as .npy or .json')
    .argument('<model>', 'an ONNX file (.onnx) or a provlrp model file')
    .requiredOption('--input <file>', 'the input batch as .npy, batch axis first')
    .requiredOption('--out <file>', "where to write the relevance: .npy (the input's shape) or .json")
    .option('--target <class>', 'the class to explain for every sample, or argmax (the default)')
    .option('--targets <file>', 'one class per sample, as .npy')
    .option(
      '--composite <name>',
      `the LRP composite: ${COMPOSITE_NAMES.join(', ')} (default: epsilon_plus_flat, or epsilon with --semiring)`,
    )
    .option('--low <value>', 'lower bound of the inputs, for zᴮ', EXPLAIN_DEFAULTS.low)
    .option('--high <value>', 'upper bound of the inputs, for zᴮ', EXPLAIN_DEFAULTS.high)
    .option(
      '--output-relevance <kind>',
      'onehot, or logit (one-hot times the logit)',
      EXPLAIN_DEFAULTS.outputRelevance,
    )
    .option('--layer <name>', "write the relevance at this layer's output instead of at the input")
    .option('--dtype <dtype>', 'compute precision: float32 or float64', EXPLAIN_DEFAULTS.dtype)
    .option('--semiring <name>', `K-LRP in a semiring: ${SEMIRING_NAMES.join(', ')}`)
    .option(
      '--semiring-file <file>',
      'K-LRP in a semiring given as formulas in JSON; its laws are checked first',
    )
    .option(
      '--annotate <spec>',
      `the annotation Θ: ${ANNOTATION_NAMES.join(', ')} (a mathjs formula in d, layer, j, k, colmax, colsum, z), ` +
        'or a JSON file of per-layer thresholds',
    )
    .action((model: string, flags: ExplainFlags) =>
      print(explain(model, flags, (line) => io.err(`provlrp: ${line}\n`))),
    );

  root
    .command('explain-dataset')
    .description(
      'explain a whole data set: one shard per job, a manifest, resumable; on a local pool of worker threads or a Redis queue',
    )
    .argument(
      '<model>',
      'an ONNX file (.onnx) or a provlrp model file (every worker must see it at this path)',
    )
    .requiredOption(
      '--data <spec>',
      'mnist:test, mnist:train, an IDX file, a .npy batch or a folder of them; SPEC[START:END] for a range',
    )
    .requiredOption(
      '--out <dir>',
      'the run folder: shards/, manifest.json, reductions/ (shared by every worker)',
    )
    .option('--semiring <names...>', `the semirings (default real): ${SEMIRING_NAMES.join(', ')}`)
    .option('--composite <name>', `the LRP composite: ${COMPOSITE_NAMES.join(', ')} (default per semiring)`)
    .option('--annotate <spec>', `the annotation Θ: ${ANNOTATION_NAMES.join(', ')} (default per semiring)`)
    .option('--targets <which>', 'label, argmax or all (every class)', EXPLAIN_DATASET_DEFAULTS.targets)
    .option('--layer <name>', "the relevance at this layer's output instead of at the input")
    .option(
      '--reduce <names...>',
      'also write the per-pixel reduction over the data set: mean, sum, and, or, min, max',
    )
    .option('--shard-size <n>', 'samples per job', EXPLAIN_DATASET_DEFAULTS.shardSize)
    .option('--workers <n>', 'local worker threads (default: one per core)')
    .option(
      '--queue <url>',
      'put the jobs on the BullMQ queue at redis://HOST:PORT for `provlrp worker` processes',
    )
    .action(async (model: string, flags: ExplainDatasetFlags) => {
      const progress = streamProgress({ write: io.err, isTTY: io.errIsTTY ?? false });
      for (const line of await explainDatasetCommand(model, flags, progress)) print(line);
    });

  root
    .command('worker')
    .description(
      'take explain-dataset jobs from a Redis queue and compute them, until stopped (SIGINT, SIGTERM)',
    )
    .requiredOption('--queue <url>', 'the queue: redis://HOST:PORT')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option(
      '--lock-seconds <s>',
      'how long a job stays taken by a worker that stopped answering before another takes it',
      '30',
    )
    .action((flags: WorkerFlags) => workerCommand(flags, (line) => io.err(`provlrp: ${line}\n`)));

  root
    .command('experiment')
    .description(
      "run one of the report's experiments on MNIST, or all of them: writes <name>.json, .svg, .png",
    )
    .argument(
      '<name>',
      `${EXPERIMENT_NAMES.map((n) => `${n} (${EXPERIMENTS[n].description})`).join('; ')}; or all`,
    )
    .option('--out <dir>', 'where to write the results', EXPERIMENT_FLAG_DEFAULTS.out)
    .option('--quick', 'a small subset that finishes in seconds')
    .option('--seed <n>', 'the seed of every random choice', EXPERIMENT_FLAG_DEFAULTS.seed)
    .option('--keep-bias', "pruning: keep a removed neuron's bias, as the report did (it outputs ReLU(b))")
    .option('--per-image', 'attack: guide each image by its own |R| instead of the mean over the images')
    .option('--workers <n>', "worker threads for the data-set passes (pruning's rankings, the masks)")
    .option('--queue <url>', 'run the data-set passes on the BullMQ queue at redis://HOST:PORT instead')
    .action(async (name: string, flags: ExperimentFlags) => {
      const progress = streamProgress({ write: io.err, isTTY: io.errIsTTY ?? false });
      for (const line of await runExperiments(name, flags, progress)) print(line);
    });

  root
    .command('semirings')
    .description('list the registered semirings and their flags')
    .action(() => {
      const flag = (b: boolean): string => (b ? 'yes' : 'no');
      const rows = SEMIRING_NAMES.map((name) => {
        const K = SEMIRINGS[name];
        return [
          name,
          K.show(K.zero as never),
          K.show(K.one as never),
          flag(K.idempotent),
          flag(K.absorptive),
        ];
      });
      for (const line of formatTable(['name', 'zero', 'one', 'idempotent', 'absorptive'], rows)) print(line);
    });

  for (const command of root.commands)
    command.configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride();
  return root;
}

/**
 * A reader that stops early (`provlrp semirings | head`) closes the pipe; the next write fails
 * with EPIPE after the command has returned. Say so in one line instead of dying with a stack.
 */
function guardStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.stderr.write('provlrp: the output was closed before all of it was written (EPIPE)\n');
    process.exit(1);
  });
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = PROCESS_IO): Promise<number> {
  if (io === PROCESS_IO) guardStdout();
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ProvlrpError) {
      io.failed?.(error);
      // One line, whatever a nested message (a JSON parser's, a system's) carried.
      io.err(`provlrp: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 1;
    }
    throw error;
  }
}
