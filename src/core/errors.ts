/**
 * Errors: the one error module of provlrp.
 *
 * Every error provlrp throws is a `ProvlrpError`, subclassed by *kind* so that callers (and tests)
 * can dispatch on the class rather than on message text. A message has the form
 * "where: what was wrong; what to do". The CLI catches `ProvlrpError` in one place and prints its
 * message; anything else escaping is a bug and keeps its stack.
 */

/** Base class of every error provlrp throws on purpose. */
export class ProvlrpError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // NOTE: `new.target.name` names the concrete subclass without each one restating it.
    this.name = new.target.name;
  }
}

/** An argument is malformed or out of range (a negative ε, a threshold that is NaN, …). */
export class InvalidArgumentError extends ProvlrpError {
  constructor(
    /** Where the argument was given: a function or CLI option. */
    readonly where: string,
    /** What was wrong and what to do. */
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/** A name was looked up and not found (a semiring, a layer, a composite, a file). */
export class NotFoundError extends ProvlrpError {
  constructor(
    /** What kind of thing was looked up ("semiring", "layer", …). */
    readonly kind: string,
    /** The name that was asked for. */
    readonly key: string,
    /** The names that do exist, offered to the user. */
    readonly known: readonly string[] = [],
  ) {
    const hint = known.length > 0 ? `; known ${kind}s: ${known.join(', ')}` : '';
    super(`${kind} "${key}" not found${hint}`);
  }
}

/** Tensor shapes do not fit together. */
export class ShapeError extends ProvlrpError {
  constructor(
    readonly where: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${where}: expected shape ${expected}, got ${actual}`);
  }
}

/** A feature, operator, opset or semiring capability that provlrp does not offer. */
export class UnsupportedError extends ProvlrpError {}

/** An ONNX operator (or an operator used in a form) that the ONNX importer cannot translate. */
export class UnsupportedOpError extends UnsupportedError {
  constructor(
    /** The ONNX op type (with its domain when that is not the default one). */
    readonly op: string,
    /** The name of the ONNX node (or `<op>_<index>` when it has none). */
    readonly node: string,
    /** The model's opset of the default domain. */
    readonly opset: number,
    /** The ops the importer supports, offered to the user. */
    readonly supported: readonly string[],
    /** Why this use of a supported op cannot be translated, when that is the problem. */
    readonly reason = '',
    /** The module scope the node came from (`/lstm` for `/lstm/LSTM`), '' when it has none. */
    readonly scope = '',
    /** The nearest supported alternative, when one is known. */
    readonly alternative = '',
  ) {
    super(
      `onnx import: op ${op} (node "${node}"${scope ? `, from module scope ${scope}` : ''}, opset ${opset}) is not supported` +
        `${reason ? ` ${reason}` : ''}${alternative ? `; nearest supported: ${alternative}` : ''}; supported ops: ${supported.join(', ')}`,
    );
  }
}

/** A file or byte buffer is not in the format it claims (corrupt ONNX, `.npy`, IDX, msgpack). */
export class FormatError extends ProvlrpError {
  constructor(
    /** The format that was expected ("npy", "onnx", …). */
    readonly format: string,
    readonly problem: string,
  ) {
    super(`${format}: ${problem}`);
  }
}

/** Reading or writing a file failed for a reason outside provlrp (a missing folder, no permission, a full disk). */
export class FileSystemError extends ProvlrpError {
  constructor(
    /** What was being done: "read", "write", "create the folder". */
    readonly operation: string,
    readonly path: string,
    /** The system's error code (ENOENT, EACCES, ENOSPC, …). */
    readonly code: string,
    /** What was wrong and what to do. */
    readonly problem: string,
  ) {
    super(`${operation} ${path}: ${problem}`);
  }
}

/**
 * A value left the range of the compute dtype: a float32 input above 3.4e38, a layer whose output
 * overflowed to ±∞ (and would turn into NaN relevance), a path count beyond float64.
 */
export class OverflowError extends ProvlrpError {
  constructor(
    /** Where it overflowed: "forward", "relevance in real", … */
    readonly where: string,
    /** The layer whose output first overflowed, when there is one. */
    readonly layer: string | undefined,
    /** What overflowed, and what to do. */
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/** A computation would exceed a configured size limit (an expansion, a polynomial). */
export class LimitError extends ProvlrpError {
  constructor(
    readonly where: string,
    /** The size the result would have (or an upper bound on it). */
    readonly size: number | bigint,
    /** The limit in force. */
    readonly limit: number | bigint,
    hint = '',
  ) {
    super(
      `${where}: result would have up to ${size} elements, over the limit of ${limit}${hint ? `; ${hint}` : ''}`,
    );
  }
}

/**
 * Throws an `InvalidArgumentError` unless `condition` holds. The message is built lazily so that
 * the check costs nothing on the good path.
 */
export function assertArgument(condition: unknown, where: string, problem: () => string): asserts condition {
  if (!condition) throw new InvalidArgumentError(where, problem());
}

/**
 * A formula (an annotation `expr:…`, a semiring file's operation) was refused or failed: it does
 * not parse, names something outside its allow-list, or gave a value that is not a finite number.
 */
export class FormulaError extends InvalidArgumentError {
  constructor(
    where: string,
    /** The formula as given. */
    readonly formula: string,
    /** The 0-based character position the problem was found at, when it has one. */
    readonly position: number | undefined,
    problem: string,
  ) {
    const shown = formula.length > 60 ? `${formula.slice(0, 57)}...` : formula;
    super(
      where,
      position === undefined
        ? `${problem} (formula "${shown}")`
        : `${problem} at character ${position + 1} of "${shown}"`,
    );
  }
}

/**
 * A job of a data-set run failed where it was computed (a worker thread, a worker process on
 * another machine): which job, which samples, and the error it raised there.
 */
export class JobError extends ProvlrpError {
  constructor(
    /** The job's key (its shard's name). */
    readonly key: string,
    /** The job's first sample and the sample after its last. */
    readonly start: number,
    readonly end: number,
    /** What went wrong there, as that error said it. */
    readonly problem: string,
  ) {
    super(`job ${key.slice(0, 12)} (samples ${start} to ${end - 1}): ${problem}`);
  }
}
