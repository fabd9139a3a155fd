/**
 * The pre-flight: after the static rules pass, read what the run points at (the
 * analysis config when given by URI, the first bytes of the dataset) and check that
 * it exists and that the columns the config names are in the data. Runs against S3
 * in the Lambda and against local files offline, through a `SourceReader`.
 */

import { datasetFormatProblem } from "../../contracts/dataset-format.ts";
import { checkColumns } from "./columns.ts";
import { isRecord, type Located, type Problems } from "./problems.ts";
import { checkAnalysisConfig } from "./rules/analysis-config.ts";
import type { RuleContext } from "./rules/context.ts";
import { datasetMissingMessage } from "./rules/dataset.ts";
import { checkGatesHaveBias } from "./rules/gates.ts";
import type { RunDraft } from "./run-input.ts";

/**
 * What the pre-flight learns of a dataset's first file: its first bytes (CSV, JSON Lines), or
 * for Parquet the column names in its footer (read without the data).
 */
export type DatasetSample =
  | {
      readonly bytes: Uint8Array;
      /** The file actually read, for messages. */
      readonly source: string;
    }
  | { readonly columns: readonly string[]; readonly source: string };

/** How a dataset is sampled: its first bytes, or a Parquet file's footer. */
export type SampleFormat = "text" | "parquet";

/** Reads what a run points at; each method adds a problem at the field's path and returns undefined when it cannot. */
export interface SourceReader {
  /** The analysis config as parsed JSON; undefined when not readable here (a problem says why, if any). */
  readConfig(field: Located & { value: string }, problems: Problems): Promise<unknown>;
  /**
   * A sample of the dataset; undefined when it cannot be read (a problem says why, if any).
   * For Parquet, only the first part file's footer is read (ranged reads of its last 8 bytes,
   * then of the footer), never the data.
   */
  sampleDataset(
    field: Located & { value: string },
    s3DataType: string,
    problems: Problems,
    format: SampleFormat,
  ): Promise<DatasetSample | undefined>;
}

/** How many bytes of a text dataset the pre-flight reads: enough for a header row or a first record. */
export const SAMPLE_BYTES = 65536;

export async function runPreflight(
  draft: RunDraft,
  context: RuleContext,
  reader: SourceReader,
  problems: Problems,
): Promise<void> {
  let config: unknown;
  let configPath: string;
  if (draft.analysisConfig) {
    config = draft.analysisConfig.value;
    configPath = draft.analysisConfig.path;
  } else if (draft.analysisConfigUri && typeof draft.analysisConfigUri.value === "string") {
    const field = draft.analysisConfigUri as Located & { value: string };
    config = await reader.readConfig(field, problems);
    if (config === undefined) return;
    // Problems inside a config file are addressed as `<file> $.<path in the file>`: the file
    // named, then the JSON path within it, never glued together.
    configPath = `${field.value} $`;
    const before = problems.list.length;
    checkAnalysisConfig(config, configPath, draft, context, problems);
    if (!draft.datasetUri && !(isRecord(config) && Object.hasOwn(config, "dataset_uri"))) {
      problems.add(draft.datasetPath, datasetMissingMessage(draft.form));
    }
    // A config that breaks a rule (a dataset_uri in a bucket not allowed, say) is not
    // followed any further: nothing is read on its word.
    if (problems.list.length > before) return;
    checkGatesHaveBias(draft.gates, config, problems);
  } else {
    return;
  }
  if (!isRecord(config)) return;
  const datasetField: Located | undefined =
    draft.datasetUri ??
    (typeof config.dataset_uri === "string"
      ? { value: config.dataset_uri, path: `${configPath}.dataset_uri` }
      : undefined);
  if (!datasetField || typeof datasetField.value !== "string") return;
  const s3DataType =
    typeof draft.datasetS3DataType?.value === "string" ? draft.datasetS3DataType.value : "S3Prefix";
  const sample = await reader.sampleDataset(
    datasetField as Located & { value: string },
    s3DataType,
    problems,
    config.dataset_type === "application/x-parquet" ? "parquet" : "text",
  );
  if (!sample) return;
  const paths = { configPath, datasetPath: datasetField.path };
  if ("columns" in sample) {
    checkColumns(config, sample, paths, problems);
    return;
  }
  // A compressed, binary or tab-delimited file would only show up as missing columns named by its bytes.
  const formatProblem = datasetFormatProblem(sample.bytes, config.dataset_type);
  if (formatProblem) {
    problems.add(datasetField.path, `${sample.source} ${formatProblem}`);
    return;
  }
  const text = new TextDecoder().decode(sample.bytes);
  checkColumns(config, { text, source: sample.source }, paths, problems);
}
