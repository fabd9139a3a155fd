import {
  buildFacetSplits,
  type FacetSplit,
  intervalText,
  type PositiveBit,
} from "./aggregate/build-splits.ts";
import {
  type CollectedCounts,
  type CountPlan,
  collectCounts,
  type FeatureRows,
} from "./aggregate/collect-counts.ts";
import type { DataType } from "./aggregate/column-profile.ts";
import { ValueMatcher } from "./aggregate/value-matcher.ts";
import type { AnalysisConfig } from "./config/analysis-config.ts";
import { EngineInputError } from "./errors.ts";
import type { CountTables } from "./intervals/bootstrap-intervals.ts";
import { datasetFiles } from "./io/dataset-files.ts";
import { TableReader } from "./io/open-table.ts";
import { resolveColumn } from "./io/resolve-column.ts";
import { POST_TRAINING_CODES, PRE_TRAINING_CODES, selectCodes } from "./metrics/catalog.ts";
import type { FacetSplitCounts } from "./metrics/counts.ts";
import { postTrainingEntries, preTrainingEntries } from "./metrics/evaluate-metrics.ts";
import { MetricComputationError } from "./metrics/metric-error.ts";
import { flipTest } from "./metrics/post-training/flip-test.ts";
import type { AnalysisJson, BiasMetrics, FacetResult } from "./output/analysis-json.ts";

/** Reads the dataset once and computes every requested bias metric from counts. */
export function runBiasAnalysis(
  config: AnalysisConfig,
  datasetPath: string,
  predictedLabelDatasetPath?: string,
): { analysis: AnalysisJson; tables: CountTables; rowsRead: number; rowsDropped: number } {
  const wantsPost = config.postTraining !== undefined;
  const predictedInDataset = wantsPost && config.predictedLabelDatasetUri === undefined;
  const jsonLines = config.datasetType === "application/jsonlines";
  const extraPaths = jsonLines
    ? [
        String(config.label),
        ...(predictedInDataset && config.predictedLabel !== undefined ? [String(config.predictedLabel)] : []),
      ]
    : [];
  const reader = new TableReader(
    datasetFiles(datasetPath),
    jsonLines
      ? {
          kind: "jsonlines",
          ...(config.headers && { headers: config.headers }),
          ...(config.features && { features: config.features }),
          extraPaths,
        }
      : { kind: "csv", ...(config.headers && { headers: config.headers }) },
  );
  const predictedReader =
    wantsPost && !predictedInDataset && predictedLabelDatasetPath !== undefined
      ? new TableReader(
          datasetFiles(predictedLabelDatasetPath, "predicted label dataset"),
          jsonLines
            ? { kind: "jsonlines", extraPaths: [String(config.predictedLabel)] }
            : { kind: "csv", ...(config.predictedLabelHeaders && { headers: config.predictedLabelHeaders }) },
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

    const counts = collectCounts(reader, plan, fieldCount);
    if (counts.rowsRead - counts.rowsDropped === 0) {
      throw new EngineInputError(
        "no row is left to analyse: every row misses the label, a facet or another analysed value",
      );
    }
    const labelName = names?.[labelIndex] ?? String(config.label);
    const labelType = labelDataType(counts, labelValues);
    const labelBit = positiveBit(labelType, labelValues, "label_values_or_threshold");
    assertSomePositive(
      counts,
      (code) => ((code >> 2) & labelBit) !== 0,
      () =>
        `label_values_or_threshold: no row of label column "${labelName}" has a positive value ${JSON.stringify(labelValues)}`,
    );
    let predictedBit: PositiveBit = labelBit;
    if (counts.predicted) {
      if (config.probabilityThreshold !== undefined) predictedBit = 2;
      else {
        const predictedType =
          counts.predicted.allNumeric && !counts.predicted.allInteger ? "continuous" : labelType;
        if (predictedType !== labelType) {
          throw new EngineInputError(
            `predicted_label: the predicted label column is ${predictedType} but the label column is ${labelType}; give probability_threshold for scores`,
          );
        }
      }
      assertSomePositive(
        counts,
        (code) => (code & 3 & predictedBit) !== 0,
        () => "predicted_label: no row has a positive predicted label (Clarify needs at least one)",
      );
    }
    const labelValueText =
      labelType === "continuous"
        ? intervalText(labelThreshold ?? Number.NaN, counts.label.max, counts.label.allInteger)
        : labelValues.map(String).join(",");

    const pre: Record<string, FacetResult[]> = {};
    const tables: Record<string, FacetSplitCounts[]> = {};
    const post: Record<string, FacetResult[]> = {};
    const preCodes = config.preTraining ? selectCodes(PRE_TRAINING_CODES, config.preTraining) : undefined;
    const postCodes = config.postTraining ? selectCodes(POST_TRAINING_CODES, config.postTraining) : undefined;
    config.facets.forEach((facet, f) => {
      const facetCounts = counts.facets[f];
      if (!facetCounts) return;
      const facetIndex = facetIndexes[f] as number;
      const facetName = names?.[facetIndex] ?? String(facet.nameOrIndex);
      const facetType: DataType = facetCounts.profile.dataType(facet.valueOrThreshold);
      const splits = buildFacetSplits(
        facetName,
        facetCounts,
        facetType,
        facet.valueOrThreshold,
        labelBit,
        predictedBit,
        groupIndex !== undefined,
      );
      tables[facetName] = splits.map((s) => s.counts);
      if (preCodes)
        pre[facetName] = splits.map((s) => ({
          value_or_threshold: s.valueOrThreshold,
          metrics: preTrainingEntries(s.counts, preCodes),
        }));
      if (postCodes) {
        post[facetName] = splits.map((s) => ({
          value_or_threshold: s.valueOrThreshold,
          metrics: postTrainingEntries(s.counts, postCodes, () =>
            flipTestOf(counts.features, s, f, facetIndex, predictedBit),
          ),
        }));
      }
    });
    const section = (facets: Record<string, FacetResult[]>): BiasMetrics => ({
      label: labelName,
      label_value_or_threshold: labelValueText,
      facets,
    });
    return {
      analysis: {
        version: "1.0",
        ...(preCodes && { pre_training_bias_metrics: section(pre) }),
        ...(postCodes && { post_training_bias_metrics: section(post) }),
      },
      tables,
      rowsRead: counts.rowsRead,
      rowsDropped: counts.rowsDropped,
    };
  } finally {
    reader.close();
    predictedReader?.close();
  }
}

/**
 * Clarify's column typing, with one deviation for labels: a configured label value that
 * occurs in an integer label column makes it categorical. Clarify's uniqueness rule would
 * call a 0/1 label of fewer than 40 rows continuous and find no positive label.
 */
function labelDataType(counts: CollectedCounts, values: readonly (string | number)[]): DataType {
  const label = counts.label;
  if (label.allNumeric && !label.allInteger) return label.dataType(values);
  if (someRow(counts, (code) => ((code >> 2) & 1) !== 0)) return "categorical";
  // Text values can only name categories; the "no positive label" check then explains the mismatch.
  if (singleNumber(values) === undefined) return "categorical";
  return label.dataType(values);
}

/** A one-element list holding a number (or numeric text) is a threshold candidate. */
function singleNumber(values: readonly (string | number)[]): number | undefined {
  if (values.length !== 1) return undefined;
  const value = Number(values[0]);
  return String(values[0]).trim() === "" || Number.isNaN(value) ? undefined : value;
}

function positiveBit(type: DataType, values: readonly (string | number)[], key: string): PositiveBit {
  if (type === "categorical") return 1;
  if (singleNumber(values) === undefined) {
    throw new EngineInputError(
      `${key}: the label column is continuous, so give one numeric threshold, got ${JSON.stringify(values)}`,
    );
  }
  return 2;
}

function assertSomePositive(
  counts: CollectedCounts,
  positive: (code: number) => boolean,
  message: () => string,
): void {
  // Without a facet no row is counted (the config parser requires one): nothing to check.
  if (counts.facets.length === 0) return;
  if (!someRow(counts, positive)) throw new EngineInputError(message());
}

/**
 * Whether some analysed row's cell code (`labelCode * 4 + predictedCode`, see FacetCounts)
 * passes `test`. Every analysed row is counted once per facet, so the first facet sees them all.
 */
function someRow(counts: CollectedCounts, test: (code: number) => boolean): boolean {
  const first = counts.facets[0];
  if (!first) return false;
  for (let at = 0; at < first.slotKeys.length * 16; at++) {
    if ((first.cells[at] as number) > 0 && test(at % 16)) return true;
  }
  return false;
}

/** FT on the numeric features (every column but label, predicted label, excluded ones and this facet). */
function flipTestOf(
  features: FeatureRows | undefined,
  split: FacetSplit,
  facet: number,
  facetIndex: number,
  predictedBit: PositiveBit,
): number {
  if (!features) throw new MetricComputationError("FT needs the feature rows");
  const used = features.indexes
    .map((index, i) => ({ index, values: features.columns[i] }))
    .filter((c) => c.index !== facetIndex);
  if (used.some((c) => c.values === undefined)) {
    throw new MetricComputationError("FlipTest does not support non-numeric columns");
  }
  const keys = features.facetKeys[facet] ?? [];
  const sides = { d: [] as number[], a: [] as number[] };
  keys.forEach((key, row) => {
    (split.isSensitive(key) ? sides.d : sides.a).push(row);
  });
  if (sides.d.length === 0) throw new MetricComputationError("Facet set is empty");
  if (sides.a.length === 0) throw new MetricComputationError("Negated Facet set is empty");
  const group = (rows: number[]) => {
    const matrix = new Float64Array(rows.length * used.length);
    const predicted = new Uint8Array(rows.length);
    rows.forEach((row, r) => {
      used.forEach((c, j) => {
        matrix[r * used.length + j] = c.values?.[row] ?? 0;
      });
      predicted[r] = ((features.predictedCodes[row] ?? 0) & predictedBit) !== 0 ? 1 : 0;
    });
    return { features: matrix, predicted };
  };
  return flipTest({ disadvantaged: group(sides.d), advantaged: group(sides.a), dimensions: used.length });
}
