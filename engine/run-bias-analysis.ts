import { statSync } from "node:fs";
import { type CollectedCounts, type CountPlan, collectCounts } from "./aggregate/collect-counts.ts";
import { matchersOf, mixedColumns, textPlan } from "./aggregate/mixed-columns.ts";
import { castPlan, predictedCastOf } from "./aggregate/predicted-cast.ts";
import { ValueMatcher } from "./aggregate/value-matcher.ts";
import {
  type BiasAnalysisResult,
  type BiasDatasetShape,
  biasConfig,
  biasResult,
  declareDtypes,
  singleNumber,
} from "./bias-result.ts";
import type { AnalysisConfig } from "./config/analysis-config.ts";
import { EngineInputError } from "./errors.ts";
import { type TableFormat, TableReader } from "./io/open-table.ts";
import { resolveColumn } from "./io/resolve-column.ts";
import { datasetFilesOf, datasetFormat, predictedLabelFormat } from "./io/table-format.ts";
import { POST_TRAINING_CODES, selectCodes } from "./metrics/catalog.ts";
import { countDataset, type ThreadOptions } from "./parallel/parallel-counts.ts";
import { COUNTING_ROWS, COUNTING_ROWS_AGAIN } from "./progress/count-progress.ts";
import type { ProgressSettings } from "./progress/progress-reporter.ts";

export { type BiasAnalysisResult, type BiasDatasetShape, biasResult } from "./bias-result.ts";

/** Reads the dataset once and computes every requested bias metric from counts. */
export function runBiasAnalysis(
  config: AnalysisConfig,
  datasetPath: string,
  predictedLabelDatasetPath?: string,
): BiasAnalysisResult {
  const dataset = openBiasDataset(config, datasetPath, predictedLabelDatasetPath);
  try {
    const first = collectCounts(dataset.reader, dataset.plan, dataset.fieldCount);
    const shape = biasShapeOf(dataset);
    declareDtypes(first, shape);
    const recount = recountOf(config, dataset.plan, first);
    if (!recount) return { ...biasResult(config, shape, first), countPasses: 1 };
    const again = openBiasDataset(config, datasetPath, predictedLabelDatasetPath);
    try {
      const counts = collectCounts(again.reader, recount(again.plan), again.fieldCount);
      return { ...biasResult(config, shape, counts), countPasses: 2 };
    } finally {
      again.close();
    }
  } finally {
    dataset.close();
  }
}

/**
 * How to count the rows again when the first count read some cells otherwise than the column
 * types (known only once every row is counted) say: a matched column of text and numbers is
 * matched as text (aggregate/mixed-columns.ts), and float predictions of an integer label are
 * cast to its dtype (aggregate/predicted-cast.ts). Undefined when the first count stands, as
 * it does for a usual dataset. The plan is rebuilt for the dataset opened again, whose
 * predicted label reader is a new one.
 */
function recountOf(
  config: AnalysisConfig,
  plan: CountPlan,
  counts: CollectedCounts,
): ((plan: CountPlan) => CountPlan) | undefined {
  const mixed = mixedColumns(matchersOf(plan), counts, biasConfig(config));
  const cast = predictedCastOf(biasConfig(config), counts);
  if (mixed.length === 0 && cast === undefined) return undefined;
  return (again) => {
    const text = mixed.length > 0 ? textPlan(again, mixed) : again;
    return cast ? castPlan(text, cast) : text;
  };
}

/**
 * `runBiasAnalysis` with the count pass on worker threads (parallel/parallel-counts.ts): the
 * same analysis, byte for byte, from the merged count tables. With `progress`, each pass reports
 * the bytes read (a second pass as `counting rows again`).
 */
export async function runBiasAnalysisOnThreads(
  config: AnalysisConfig,
  datasetPath: string,
  predictedLabelDatasetPath: string | undefined,
  threads: ThreadOptions,
  progress?: ProgressSettings,
): Promise<BiasAnalysisResult> {
  const dataset = openBiasDataset(config, datasetPath, predictedLabelDatasetPath);
  try {
    const first = await countDataset(
      dataset,
      threads,
      progress && { settings: progress, name: COUNTING_ROWS },
    );
    const shape = biasShapeOf(dataset);
    declareDtypes(first.counts, shape);
    const recount = recountOf(config, dataset.plan, first.counts);
    let counted = first;
    if (recount) {
      const again = openBiasDataset(config, datasetPath, predictedLabelDatasetPath);
      try {
        counted = await countDataset(
          { ...again, plan: recount(again.plan) },
          threads,
          progress && { settings: progress, name: COUNTING_ROWS_AGAIN },
        );
      } finally {
        again.close();
      }
    }
    return {
      ...biasResult(config, shape, counted.counts),
      threads: counted.threads,
      ...(counted.workerCpuSeconds && { workerCpuSeconds: counted.workerCpuSeconds }),
      countPasses: recount ? 2 : 1,
    };
  } finally {
    dataset.close();
  }
}

/**
 * The dataset opened for the count pass: its readers (the first row read, to learn the field
 * count and the header), the analysed columns and the count plan. Counting is separate so that
 * it can run on worker threads (parallel/parallel-counts.ts).
 */
export interface BiasDataset {
  readonly reader: TableReader;
  readonly predictedReader: TableReader | undefined;
  readonly format: TableFormat;
  readonly files: readonly string[];
  /** The dataset files' total size. */
  readonly bytes: number;
  readonly fieldCount: number;
  readonly names: readonly string[] | undefined;
  readonly labelIndex: number;
  readonly facetIndexes: readonly number[];
  readonly groupIndex: number | undefined;
  readonly plan: CountPlan;
  close(): void;
}

export function openBiasDataset(
  given: AnalysisConfig,
  datasetPath: string,
  predictedLabelDatasetPath?: string,
): BiasDataset {
  const config = biasConfig(given);
  const wantsPost = config.postTraining !== undefined;
  const predictedInDataset = wantsPost && config.predictedLabelDatasetUri === undefined;
  const jsonLines = config.datasetType === "application/jsonlines";
  const extraPaths = jsonLines
    ? [
        String(config.label),
        ...(predictedInDataset && config.predictedLabel !== undefined ? [String(config.predictedLabel)] : []),
      ]
    : [];
  const files = datasetFilesOf(config, datasetPath);
  const format = datasetFormat(config, extraPaths);
  const reader = new TableReader(files, format);
  const predictedReader =
    wantsPost && !predictedInDataset && predictedLabelDatasetPath !== undefined
      ? new TableReader(
          datasetFilesOf(config, predictedLabelDatasetPath, "predicted label dataset"),
          predictedLabelFormat(config),
        )
      : undefined;
  try {
    if (!reader.prime()) throw new EngineInputError(`the dataset ${datasetPath} has no rows`);
    const fieldCount = reader.fieldCount;
    const featureCount = fieldCount - extraPaths.length;
    const names = jsonLines ? config.headers?.slice(0, featureCount) : reader.headers;
    const column = (ref: string | number, path: string) =>
      resolveColumn(ref, names, jsonLines ? featureCount : fieldCount, path);

    const labelIndex = jsonLines ? featureCount : column(config.label, "$.label");
    let predictedIndex: number | undefined;
    if (wantsPost && config.predictedLabel !== undefined) {
      if (predictedReader) {
        if (!predictedReader.prime()) throw new EngineInputError("the predicted label dataset has no rows");
        predictedIndex = jsonLines
          ? 0
          : resolveColumn(
              config.predictedLabel,
              predictedReader.headers,
              predictedReader.fieldCount,
              "$.predicted_label",
            );
      } else {
        predictedIndex = jsonLines ? featureCount + 1 : column(config.predictedLabel, "$.predicted_label");
      }
    }
    const facetIndexes = config.facets.map((f, i) => column(f.nameOrIndex, `$.facet[${i}].name_or_index`));
    const groupIndex =
      config.groupVariable === undefined ? undefined : column(config.groupVariable, "$.group_variable");
    const excluded = new Set(config.excludedColumns.map((ref, i) => column(ref, `$.excluded_columns[${i}]`)));

    const labelValues = config.labelValuesOrThreshold;
    const labelThreshold = singleNumber(labelValues);
    const wantsFlipTest =
      wantsPost && selectCodes(POST_TRAINING_CODES, config.postTraining ?? "all").includes("FT");
    const featureIndexes = wantsFlipTest
      ? Array.from({ length: fieldCount }, (_, i) => i).filter(
          (i) => i !== labelIndex && (predictedReader || i !== predictedIndex) && !excluded.has(i),
        )
      : undefined;
    const plan: CountPlan = {
      label: {
        index: labelIndex,
        matcher: new ValueMatcher(labelValues),
        ...(labelThreshold !== undefined && { threshold: labelThreshold }),
      },
      ...(predictedIndex !== undefined && {
        predicted: {
          index: predictedIndex,
          matcher: new ValueMatcher(labelValues),
          ...(config.probabilityThreshold !== undefined
            ? { threshold: config.probabilityThreshold }
            : labelThreshold !== undefined && { threshold: labelThreshold }),
          ...(predictedReader && { reader: predictedReader }),
        },
      }),
      facets: config.facets.map((facet, i) => {
        const threshold = facet.valueOrThreshold ? singleNumber(facet.valueOrThreshold) : undefined;
        return {
          index: facetIndexes[i] as number,
          ...(facet.valueOrThreshold && { matcher: new ValueMatcher(facet.valueOrThreshold) }),
          ...(threshold !== undefined && { threshold }),
        };
      }),
      ...(groupIndex !== undefined && { groupIndex }),
      ...(featureIndexes && { featureIndexes }),
    };
    return {
      reader,
      predictedReader,
      format,
      files,
      bytes: files.reduce((sum, file) => sum + statSync(file).size, 0),
      fieldCount,
      names,
      labelIndex,
      facetIndexes,
      groupIndex,
      plan,
      close: () => {
        reader.close();
        predictedReader?.close();
      },
    };
  } catch (error) {
    reader.close();
    predictedReader?.close();
    throw error;
  }
}

/**
 * The dataset's shape for `biasResult`, once its rows are counted: the dtypes a Parquet file
 * declares are known only after the reader has read it.
 */
export function biasShapeOf(dataset: BiasDataset): BiasDatasetShape {
  const columnDtypes = dataset.reader.columnDtypes();
  return {
    files: dataset.files,
    names: dataset.names,
    labelIndex: dataset.labelIndex,
    ...(dataset.plan.predicted && { predictedIndex: dataset.plan.predicted.index }),
    facetIndexes: dataset.facetIndexes,
    groupIndex: dataset.groupIndex,
    ...(columnDtypes && { columnDtypes }),
    ...(dataset.predictedReader && {
      predictedDataset: { columnDtypes: dataset.predictedReader.columnDtypes() },
    }),
  };
}
