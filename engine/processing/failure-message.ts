/**
 * The one-line reason a failed processing container leaves in `/opt/ml/output/message`.
 * SageMaker keeps the first 1 KB of the file (ExitMessage, and the job's FailureReason),
 * and fails the job with a ClientError when the file is not UTF-8.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** ExitMessage and FailureReason hold at most 1024 characters. */
export const MESSAGE_LIMIT = 1024;

/** Whose fault a failure is, as SageMaker prefixes it: bad input (ClientError) or the container (AlgorithmError). */
export type FailureKind = "ClientError" | "AlgorithmError";

/** `<kind>: <message>` on one line, cut to what SageMaker keeps. */
export function formatFailureMessage(kind: FailureKind, message: string): string {
  const line = `${kind}: ${message.replace(/\s*\n\s*/g, "; ").trim()}`;
  return line.length <= MESSAGE_LIMIT ? line : `${line.slice(0, MESSAGE_LIMIT - 1)}…`;
}

/**
 * Writes the message file. Returns false when it cannot be written (e.g. `process` run outside a
 * container, where /opt/ml/output does not exist and cannot be created): the caller still reports
 * the failure on stderr and by its exit code.
 */
export async function writeFailureMessage(path: string, line: string): Promise<boolean> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${line}\n`, "utf8");
    return true;
  } catch {
    return false;
  }
}
