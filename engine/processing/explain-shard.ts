/**
 * `methods.shap` on one host of a job of several instances: the host explains the rows of its
 * shard of the dataset (explain/run-explanations.ts, `explainShard`) and writes each file's
 * rows' local values to `output/partial/<host>/<index>.shap.csv`, and what they share for the
 * host file (contracts/partial-counts.ts). CollectResults computes the global values from every
 * host's local values in the dataset's file order (engine/merge/merge-shap.ts).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type PartialExplanations, shapObjectOf } from "../../contracts/partial-counts.ts";
import type { AnalysisConfig } from "../config/analysis-config.ts";
import { withBaselineCopy } from "../config/explain-config.ts";
import { EngineInputError } from "../errors.ts";
import type { ModelSource } from "../explain/model/open-model.ts";
import type { ScoringModel } from "../explain/model/scoring-model.ts";
import type { ExplainThreadOptions } from "../explain/parallel-explanations.ts";
import { explainShard } from "../explain/run-explanations.ts";
import { TableReader } from "../io/open-table.ts";
import { datasetFormat } from "../io/table-format.ts";
import type { ProgressSettings } from "../progress/progress-reporter.ts";

/** Runs `use` with the job's model (undefined: the job has none), opened for it and closed after. */
export type WithModel = <T>(use: (model: ModelSource | ScoringModel | undefined) => Promise<T>) => Promise<T>;

export interface ExplainedShard {
  /** Absent when no file of the shard holds a row: nothing was explained. */
  readonly explanations?: PartialExplanations;
  /** When no file of the shard holds a row: the column names its files give, if any ({@link ShardStart}). */
  readonly columnNames?: readonly string[];
  /** Per file of the shard, in its order: the rows whose local values its object holds. */
  readonly fileRows: readonly number[];
  readonly threads: number;
}

/**
 * Explains the shard's `files` (in the dataset's order, below `dataFolder`) and writes each
 * one's local values object (`outputDir`: the job's output folder), an empty one for a file of
 * no row left to explain.
 */
export async function explainShardFiles(options: {
  readonly config: AnalysisConfig;
  readonly host: string;
  readonly dataFolder: string;
  readonly files: readonly string[];
  /** Whether some file of the shard holds a data row, and the names its files give ({@link readShardStart}). */
  readonly start: ShardStart;
  readonly outputDir: string;
  /**
   * Downloads the job's `s3://` SHAP baseline file, giving its local copy (undefined: the config
   * names none): called only for a shard that holds a row, before the model is opened.
   */
  readonly shapBaseline?: () => Promise<string | undefined>;
  /** Opens the job's model for `use` (a shadow endpoint is made then): called only for a shard that holds a row. */
  readonly withModel: WithModel;
  readonly threads: ExplainThreadOptions;
  /** Progress lines of this host's explanations (rows of its shard explained). */
  readonly progress?: ProgressSettings;
}): Promise<ExplainedShard> {
  const { host, files, outputDir } = options;
  const write = (index: number, lines: string) =>
    writeFile(join(outputDir, shapObjectOf(host, index)), lines);
  if (!options.start.holdsARow) {
    for (const index of files.keys()) await write(index, "");
    const names = options.start.columnNames;
    return { fileRows: files.map(() => 0), threads: 1, ...(names && { columnNames: names }) };
  }
  const config = withBaselineCopy(options.config, await options.shapBaseline?.());
  const explained = await options.withModel((model) => {
    if (model === undefined) {
      throw new EngineInputError(
        "methods.shap needs a model to explain: the job was given none (localModel, or the analysis config's predictor)",
      );
    }
    return explainShard(
      config,
      { folder: options.dataFolder, files },
      model,
      options.threads,
      write,
      options.progress,
    );
  });
  return {
    explanations: {
      labels: explained.labels,
      features: explained.features,
      expectedValues: explained.expectedValues,
      rowsExplained: explained.rowsExplained,
      rowsDropped: explained.rowsDropped,
      modelEvaluations: explained.modelEvaluations,
      textFeatures: explained.textFeatures,
      unseenBaseline: explained.unseenBaseline,
      columns: explained.columns,
      ...(explained.numericOnlyFeatures.length > 0 && {
        numericOnlyFeatures: explained.numericOnlyFeatures,
      }),
    },
    fileRows: explained.rowFiles.map((file) => file.rows),
    threads: explained.threads,
  };
}

/** What the first read of a shard's files finds. */
export interface ShardStart {
  /** Whether some file holds a data row (a Spark part file of an empty partition holds none). */
  readonly holdsARow: boolean;
  /**
   * When none does: the column names the files give (CSV header rows, Parquet schemas), which
   * one instance compares with the other files' even in a file of no row. JSON Lines names its
   * columns only in the config (the same on every host): none.
   */
  readonly columnNames?: readonly string[];
}

/** Reads the shard's `files` up to their first data row: whether there is one, else the names they give. */
export function readShardStart(config: AnalysisConfig, files: readonly string[]): ShardStart {
  const reader = new TableReader(files, datasetFormat(config, []));
  try {
    if (reader.prime()) return { holdsARow: true };
    const names = config.datasetType === "application/jsonlines" ? undefined : reader.headers;
    return { holdsARow: false, ...(names && { columnNames: [...names] }) };
  } finally {
    reader.close();
  }
}
