/**
 * Step Functions' limits on the failure texts the workflow hands it, and how a text is cut to fit.
 *
 * The cause of a task failure (a Lambda function's error) and of an execution's failure (a Fail
 * state's Cause) hold at most 32,768 characters, an error name at most 256
 * (TaskFailedEventDetails and ExecutionFailedEventDetails in the Step Functions API reference).
 * A state's input and output hold at most 256 KiB; going over is `States.DataLimitExceeded`,
 * which no Catch (not even `States.ALL`) can handle. Causes built from long text (a job's
 * FailureReason, a list of problems quoting the user's values, a failure quoted inside another)
 * are cut here so that the execution ends in the state the definition intends.
 */

/** Characters a task failure's or a Fail state's Cause may hold. */
export const CAUSE_LIMIT = 32_768;

/** Characters an error name may hold; KeepOriginalError quotes RecordFailure's by its name alone. */
export const ERROR_NAME_LIMIT = 256;

/**
 * Characters the Cause of an error one of our functions throws may hold. When summary.json cannot
 * be written, KeepOriginalError quotes the original failure, function errors included, with
 * `States.JsonToString`, which writes a backslash before every `"` and `\` of a Cause that is
 * itself JSON: twice this, plus the sentence around it and the name of the error that kept the
 * record from being written, stays below {@link CAUSE_LIMIT}.
 */
export const FUNCTION_ERROR_CAUSE_LIMIT = 15_000;

/** Characters of the message the stack's first line repeats once the error is cut. */
const STACK_HEADER_LIMIT = 200;

/** How many stack frames a function error's trace keeps (Node's default stackTraceLimit). */
const TRACE_FRAMES = 10;

/**
 * The text itself when it fits in `limit` characters; otherwise its beginning followed by a note
 * saying it was cut and how long it was, the whole at most `limit` characters. A list of lines
 * (e.g. one problem a line) loses whole lines when that costs at most a fifth of what is kept.
 */
export function cutText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const note = (kept: number) => `\n[cut: the first ${kept} of ${text.length} characters are shown]`;
  // The note's length with the widest number it can hold; the kept part fills the rest.
  let kept = Math.max(0, limit - note(text.length).length);
  const lineEnd = text.lastIndexOf("\n", kept);
  if (lineEnd > kept * WHOLE_LINES_SHARE) kept = lineEnd;
  // Never split a surrogate pair: half a character is not text.
  if (kept > 0 && isHighSurrogate(text.charCodeAt(kept - 1))) kept--;
  return `${text.slice(0, kept)}${note(kept)}`;
}

/** A cut keeps whole lines when they fill more than this share of what it may keep. */
const WHOLE_LINES_SHARE = 0.8;

const CUT_NOTE = /\n\[cut: the first (\d+) of \d+ characters are shown\]$/;

/**
 * The lines of a text {@link cutText} may have cut, without its note and without a last line
 * the cut may have split, and whether anything was left out. A cut splits a line only when the
 * lines before it hold at most {@link WHOLE_LINES_SHARE} of what is kept, so a last line shorter
 * than the rest's share is whole.
 */
export function wholeLinesOf(text: string): { readonly lines: string[]; readonly cut: boolean } {
  const note = CUT_NOTE.exec(text);
  if (!note) return { lines: text.split("\n").filter(Boolean), cut: false };
  const shown = text.slice(0, note.index);
  const lastLineStart = shown.lastIndexOf("\n") + 1;
  // The kept length may be one less than the cut's (a surrogate pair is not split): hence the 2.
  const mayBeSplit = shown.length - lastLineStart >= shown.length * (1 - WHOLE_LINES_SHARE) - 2;
  const whole = mayBeSplit ? shown.slice(0, Math.max(0, lastLineStart - 1)) : shown;
  return { lines: whole.split("\n").filter(Boolean), cut: true };
}

/**
 * The Cause the Node.js Lambda runtime reports for an error a function throws: its name, its
 * message and its stack, line by line.
 */
export function functionErrorCause(error: Error): string {
  return JSON.stringify({
    errorType: error.name,
    errorMessage: error.message,
    trace: (error.stack ?? "").split("\n"),
  });
}

/**
 * Cuts the message (and the stack, which repeats it) of an error a function throws until the
 * Cause the runtime reports from it fits in {@link FUNCTION_ERROR_CAUSE_LIMIT}. The error keeps
 * its class and name, which the definition's Catch and Retry match. Anything else is returned as is.
 */
export function boundFunctionError<T>(error: T): T {
  if (!(error instanceof Error) || functionErrorCause(error).length <= FUNCTION_ERROR_CAUSE_LIMIT)
    return error;
  const message = error.message;
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((line) => line.startsWith("    at "))
    .slice(0, TRACE_FRAMES);
  let keep = message.length;
  for (;;) {
    const cut = cutText(message, keep);
    error.message = cut;
    error.stack = [stackHeader(error.name, cut), ...frames].join("\n");
    const length = functionErrorCause(error).length;
    if (length <= FUNCTION_ERROR_CAUSE_LIMIT || keep === 0) return error;
    // Escaping makes a character of the message cost more than one of the Cause: shrink in proportion.
    keep = Math.floor((keep * FUNCTION_ERROR_CAUSE_LIMIT * 0.98) / length);
  }
}

/** Wraps a function's core so that an error it throws reaches Step Functions whole (see {@link boundFunctionError}). */
export function withBoundedErrors<A extends unknown[], R>(
  run: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (error) {
      throw boundFunctionError(error);
    }
  };
}

/** The stack's first line: it names the error; the whole message is in errorMessage already. */
function stackHeader(name: string, message: string): string {
  const firstLine = message.split("\n", 1)[0] ?? "";
  return firstLine.length > STACK_HEADER_LIMIT
    ? `${name}: ${firstLine.slice(0, STACK_HEADER_LIMIT)} …`
    : `${name}: ${firstLine}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
