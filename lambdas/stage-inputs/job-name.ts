/** The ProcessingJobName of a run: readable, valid, and unique per execution. */
import { createHash } from "node:crypto";
import { MAX_PROCESSING_JOB_NAME_LENGTH, PROCESSING_JOB_NAME_PATTERN } from "../shared/processing-job-api.ts";

/** Hex characters of the execution hash: 40 bits, ample for one account and region. */
const HASH_LENGTH = 10;

/**
 * `<prefix><runName, sanitised and truncated>-<hash of the execution id>`.
 *
 * The hash makes the name unique per execution (a failed job's name can never be
 * reused) and deterministic, so a retried StageInputs renders the same request.
 */
export function processingJobName(prefix: string, runName: string, executionId: string): string {
  const hash = createHash("sha256").update(executionId).digest("hex").slice(0, HASH_LENGTH);
  const room = MAX_PROCESSING_JOB_NAME_LENGTH - prefix.length - HASH_LENGTH - 1;
  if (room < 0) {
    throw new Error(
      `job name prefix "${prefix}" is too long: at most ${MAX_PROCESSING_JOB_NAME_LENGTH - HASH_LENGTH - 1} characters leave room for the execution hash`,
    );
  }
  const readable = sanitize(runName).slice(0, room).replace(/-+$/, "");
  const name = readable ? `${prefix}${readable}-${hash}` : `${prefix}${hash}`;
  if (!PROCESSING_JOB_NAME_PATTERN.test(name)) {
    throw new Error(`job name prefix "${prefix}" yields the invalid ProcessingJobName "${name}"`);
  }
  return name;
}

/** Only letters, digits and single hyphens, with no hyphen at either end. */
function sanitize(text: string): string {
  return text
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-+/, "")
    .replace(/-+$/, "");
}
