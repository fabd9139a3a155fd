import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { datasetFormatProblem } from "../../contracts/dataset-format.ts";
import { EngineInputError } from "../errors.ts";

/** Bytes read from the start of each file: as many as validate-config's pre-flight samples. */
const HEAD_BYTES = 65536;

/**
 * Refuses a dataset file that is compressed, binary or delimited by something other than commas
 * before a reader parses it, with a message that says so (instead of a parse error quoting bytes).
 */
export function assertReadableDatasetFile(
  file: string,
  datasetType: "text/csv" | "application/jsonlines",
): void {
  const head = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(file, "r");
  let length: number;
  try {
    length = readSync(fd, head, 0, HEAD_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const problem = datasetFormatProblem(head.subarray(0, length), datasetType);
  if (problem) throw new EngineInputError(`${basename(file)} ${problem}`);
}
