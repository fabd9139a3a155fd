/**
 * Parses one of the job's output files as JSON; what is not JSON fails loudly, naming the file.
 * Each file is parsed once: the gates and the report read the same document.
 */
import { AnalysisResultError } from "../shared/errors.ts";

export function parseJsonDocument(text: string, uri: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AnalysisResultError(`${uri} is not valid JSON: ${(error as Error).message}`);
  }
}

/** For a file read tolerantly (intervals.json): undefined when it is not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
