/**
 * analysis.json, the analysis context and the facets' count tables, computed from the count
 * tables of the whole dataset and the dataset's shape (its files, column names, the analysed
 * columns' indexes and the dtypes its files declare). Pure: no file is read here, so the same
 * code computes a one-instance run's result after its count pass and a multi-instance run's
 * from the hosts' merged partial counts (engine/merge/).
 */
import type {
  AnalysisContext,
  AnalysisWarning,
  ColumnReading,
  FacetReading,
} from "../contracts/analysis-context.ts";
import { booleanText } from "./aggregate/boolean-cell.ts";
import { buildFacetSplits, type FacetSplit, type PositiveBit } from "./aggregate/build-splits.ts";
import {
  type CollectedCounts,
  FEATURE_CELL,
  type FeatureRows,
  featureKindsNumeric,
  type SkipRole,
} from "./aggregate/collect-counts.ts";
import type { ColumnProfile } from "./aggregate/column-profile.ts";
import type { ColumnTyping } from "./aggregate/column-typing.ts";
import { type PredictedCast, predictedCastOf } from "./aggregate/predicted-cast.ts";
import { configValueText, pythonFloatValue, showConfigValues } from "./aggregate/python-float.ts";
import { namedColumn, quotedColumn } from "./aggregate/role-column.ts";
import { configuredThresholdInterval } from "./aggregate/threshold-interval.ts";
import { unconvertibleValue } from "./aggregate/unconvertible-value.ts";
import {
  type AnalysisConfig,
  type BiasConfig,
  type ConfigValue,
  runsBias,
} from "./config/analysis-config.ts";
import { flipTestThreadDependentTies } from "./context/flip-test-warnings.ts";
import { groupCounts } from "./context/group-counts.ts";
import {
  type ColumnFacts,
  emptyFacetGroup,
  emptyOthersGroup,
  floatFromMissing,
  labelNoPositive,
  predictedLabelCast,
  readAsThreshold,
} from "./context/reading-warnings.ts";
import { EngineInputError } from "./errors.ts";
import type { CountTables } from "./intervals/bootstrap-intervals.ts";
import { profileDtype } from "./io/parquet/merge-dtypes.ts";
import { parseNumberText } from "./io/parse-number.ts";
import { POST_TRAINING_CODES, PRE_TRAINING_CODES, selectCodes } from "./metrics/catalog.ts";
import { type FacetSplitCounts, rows } from "./metrics/counts.ts";
import { postTrainingEntries, preTrainingEntries } from "./metrics/evaluate-metrics.ts";
import { MetricComputationError } from "./metrics/metric-error.ts";
import {
  type FeatureColumnDtype,
  featureMatrixDtype,
  flipTestResult,
} from "./metrics/post-training/flip-test.ts";
import type { AnalysisJson, BiasMetrics, FacetResult } from "./output/analysis-json.ts";

/** Values listed per column in the analysis context and in messages. */
const TOP_VALUES = 20;

/**
 * What the result needs to know of the dataset besides its counts: how its files are named in
 * the analysis context, its column names and the analysed columns' indexes, and the pandas
 * dtypes its files declare (Parquet) when the counts do not carry them.
 */
export interface BiasDatasetShape {
  /** The dataset's files, as the analysis context names them, in reading order. */
  readonly files: readonly string[];
  readonly names: readonly string[] | undefined;
  readonly labelIndex: number;
  /** The predicted label's column: in the dataset, or in the separate predicted label dataset. */
  readonly predictedIndex?: number;
  readonly facetIndexes: readonly number[];
  readonly groupIndex: number | undefined;
  /** pandas' dtype per dataset column as the files declare it (Parquet), when the counts carry none. */
  readonly columnDtypes?: readonly (string | undefined)[];
  /** Present when the predicted labels come from their own dataset: the dtypes its files declare. */
  readonly predictedDataset?: { readonly columnDtypes?: readonly (string | undefined)[] };
}

export interface BiasAnalysisResult {
  readonly analysis: AnalysisJson;
  /** How the dataset and config were read, the group counts, and the warnings. */
  readonly context: AnalysisContext;
  /** Per facet, the count tables of its splits (for the bootstrap intervals). */
  readonly tables: CountTables;
  readonly rowsRead: number;
  readonly rowsDropped: number;
  /** The threads that counted the rows (absent: this one). */
  readonly threads?: number;
  /** Each count worker's CPU seconds, when workers counted. */
  readonly workerCpuSeconds?: readonly number[];
  /**
   * Passes over the rows: 1, or 2 when a matched column held text and numbers and was counted
   * again with text matching (aggregate/mixed-columns.ts), or float predictions of an integer
   * label were counted again cast to its dtype (aggregate/predicted-cast.ts). Absent when the
   * counts came from elsewhere.
   */
  readonly countPasses?: number;
}

/** analysis.json, the analysis context and the count tables, from the counts of the whole dataset. */
export function biasResult(
  given: AnalysisConfig,
  dataset: BiasDatasetShape,
  counts: CollectedCounts,
): BiasAnalysisResult {
  const config = biasConfig(given);
  const { files, names, labelIndex, facetIndexes, groupIndex } = dataset;
  const labelValues = config.labelValuesOrThreshold;
  declareDtypes(counts, dataset);
  if (counts.rowsRead - counts.rowsDropped === 0) {
    throw new EngineInputError(
      "no row is left to analyse: every row misses the label, a facet or another analysed value",
    );
  }
  const labelName = names?.[labelIndex] ?? String(config.label);
  const warnings: AnalysisWarning[] = [];
  const label = readLabel(counts, labelValues, labelName, warnings);
  const labelBit = label.bit;
  let predictedBit: PositiveBit = labelBit;
  let predictedReading: ColumnReading | undefined;
  let cast: PredictedCast | undefined;
  if (counts.predicted) {
    const predictedName = String(config.predictedLabel);
    if (config.probabilityThreshold !== undefined) {
      predictedBit = 2;
      predictedReading = columnReading(
        predictedName,
        counts.predicted,
        {
          dataType: "continuous",
          why: `scores compared with probability_threshold ${config.probabilityThreshold}`,
          byUniqueness: false,
        },
        { threshold: config.probabilityThreshold },
      );
    } else {
      // smclarify types the predicted label with the label's configured values and requires the same type.
      const typing = counts.predicted.typing(labelValues);
      if (typing.dataType !== label.reading.dataType) {
        throw new EngineInputError(
          `predicted_label: Clarify reads the predicted label column as ${typing.dataType} (${typing.why}) but the label column as ${label.reading.dataType} (${label.reading.why}); Clarify needs both of one type (give probability_threshold for scores)`,
        );
      }
      predictedReading = columnReading(predictedName, counts.predicted, typing, label.reading.positive);
      // The counts are those of the predictions cast to the label's dtype (run-bias-analysis.ts
      // counts again, the merge of several instances refuses): say so, as it surprises.
      cast = predictedCastOf(config, counts);
      if (cast) {
        warnings.push(
          predictedLabelCast(
            predictedName,
            labelName,
            cast.dtype,
            pythonFloatValue(labelValues[0] ?? ""),
            cast.example,
          ),
        );
      }
    }
    warnIfFloatFromMissing(counts.predicted, namedColumn("predicted label", predictedName), warnings);
    assertSomePositive(
      counts,
      (code) => (code & 3 & predictedBit) !== 0,
      () =>
        `predicted_label: no row has a positive predicted label ${describePositive(predictedReading?.positive)} (Clarify needs at least one${castNote(cast)})`,
    );
  }

  const pre: Record<string, FacetResult[]> = {};
  const tables: Record<string, FacetSplitCounts[]> = {};
  const post: Record<string, FacetResult[]> = {};
  const facetReadings: FacetReading[] = [];
  const preCodes = config.preTraining ? selectCodes(PRE_TRAINING_CODES, config.preTraining) : undefined;
  const postCodes = config.postTraining ? selectCodes(POST_TRAINING_CODES, config.postTraining) : undefined;
  config.facets.forEach((facet, f) => {
    const facetCounts = counts.facets[f];
    if (!facetCounts) return;
    const facetIndex = facetIndexes[f] as number;
    const facetName = names?.[facetIndex] ?? String(facet.nameOrIndex);
    const typing = facetCounts.profile.typing(facet.valueOrThreshold);
    const splits = buildFacetSplits(
      facetName,
      facetCounts,
      typing,
      facet.valueOrThreshold,
      labelBit,
      predictedBit,
      groupIndex !== undefined ? counts.group : undefined,
    );
    tables[facetName] = splits.map((s) => s.counts);
    const reading = facetReading(
      facetName,
      facetCounts.profile,
      typing,
      facet.valueOrThreshold,
      splits,
      postCodes !== undefined,
    );
    facetReadings.push(reading);
    warnings.push(...facetWarnings(facetName, facetCounts.profile, typing, facet.valueOrThreshold, splits));
    if (preCodes)
      pre[facetName] = splits.map((s) => ({
        value_or_threshold: s.valueOrThreshold,
        metrics: preTrainingEntries(s.counts, preCodes),
      }));
    if (postCodes) {
      post[facetName] = splits.map((s) => ({
        value_or_threshold: s.valueOrThreshold,
        metrics: postTrainingEntries(s.counts, postCodes, () =>
          flipTestOf(counts.features, s, f, facetIndex, predictedBit, (ties, rows) =>
            warnings.push(flipTestThreadDependentTies(facetName, s.valueOrThreshold, ties, rows)),
          ),
        ),
      }));
    }
  });
  const section = (facets: Record<string, FacetResult[]>): BiasMetrics => ({
    label: labelName,
    label_value_or_threshold: label.valueText,
    facets,
  });
  const groupName =
    groupIndex === undefined ? undefined : (names?.[groupIndex] ?? String(config.groupVariable));
  const context: AnalysisContext = {
    version: "1",
    dataset: {
      datasetType: config.datasetType,
      files,
      rowsRead: counts.rowsRead,
      rowsSkipped: skipReasons(
        counts.skippedBy,
        labelName,
        String(config.predictedLabel),
        config.facets.map((facet, f) => names?.[facetIndexes[f] as number] ?? String(facet.nameOrIndex)),
        groupName,
      ),
    },
    label: label.reading,
    ...(predictedReading && {
      predictedLabel: cast ? { ...predictedReading, castTo: cast.dtype } : predictedReading,
    }),
    facets: facetReadings,
    ...(groupName !== undefined && { groupVariable: groupName }),
    warnings,
  };
  return {
    analysis: {
      version: "1.0",
      ...(preCodes && { pre_training_bias_metrics: section(pre) }),
      ...(postCodes && { post_training_bias_metrics: section(post) }),
    },
    tables,
    context,
    rowsRead: counts.rowsRead,
    rowsDropped: counts.rowsDropped,
  };
}

/** The count pass needs a label and its positive values: a config without a bias method has none. */
export function biasConfig(config: AnalysisConfig): BiasConfig {
  if (!runsBias(config)) {
    throw new EngineInputError(
      "the analysis config requests no bias method (methods.pre_training_bias / methods.post_training_bias): there is nothing to count",
    );
  }
  return config;
}

/** A one-element list holding a number (or numeric text) is a threshold candidate. */
export function singleNumber(values: readonly ConfigValue[]): number | undefined {
  if (values.length !== 1) return undefined;
  const value = pythonFloatValue(values[0] as ConfigValue);
  return Number.isNaN(value) ? undefined : value;
}

/**
 * The label as smclarify reads it (`ensure_series_data_type`, `_positive_label_index`): typed
 * by its dtype and distinct share, then positive by category or by threshold interval.
 */
function readLabel(
  counts: CollectedCounts,
  values: readonly ConfigValue[],
  labelName: string,
  warnings: AnalysisWarning[],
): { reading: ColumnReading; bit: PositiveBit; valueText: string } {
  const profile = counts.label;
  const typing = profile.typing(values);
  const what = namedColumn("label", labelName);
  warnIfFloatFromMissing(profile, what, warnings);
  let bit: PositiveBit = 1;
  let valueText = values.map(configValueText).join(",");
  let positive: ColumnReading["positive"] = { values: values.map(configValueText) };
  if (typing.dataType === "continuous") {
    const threshold = singleNumber(values);
    if (threshold === undefined) {
      throw new EngineInputError(
        `label_values_or_threshold: Clarify reads ${what} as continuous (${typing.why}), so it must be a single numeric threshold, got ${showConfigValues(values)}`,
      );
    }
    bit = 2;
    valueText = configuredThresholdInterval(
      values[0] as ConfigValue,
      profile.thresholdColumn(),
      "label_values_or_threshold",
      "the label column",
    ).text;
    positive = { threshold };
  }
  const reading = columnReading(labelName, profile, typing, positive);
  const facts = columnFacts(what, profile, typing);
  if (!someRow(counts, (code) => ((code >> 2) & bit) !== 0) && counts.facets.length > 0) {
    if (typing.dataType === "categorical")
      refuseUnconvertible("label_values_or_threshold", what, values, profile);
    warnings.push(labelNoPositive("label_values_or_threshold", values, facts));
  } else if (typing.dataType === "continuous" && typing.byUniqueness && occurs(profile, values[0])) {
    warnings.push(
      readAsThreshold(
        "LABEL_READ_AS_THRESHOLD",
        "label_values_or_threshold",
        values[0] as ConfigValue,
        facts,
      ),
    );
  }
  return { reading, bit, valueText };
}

function facetReading(
  name: string,
  profile: ColumnProfile,
  typing: ColumnTyping,
  given: readonly ConfigValue[] | undefined,
  splits: readonly FacetSplit[],
  postTraining: boolean,
): FacetReading {
  const threshold =
    typing.dataType === "continuous" && given?.[0] !== undefined ? pythonFloatValue(given[0]) : undefined;
  const positive: ColumnReading["positive"] =
    threshold !== undefined
      ? { threshold }
      : { values: given ? given.map(configValueText) : splits.map((s) => s.valueOrThreshold) };
  return {
    ...columnReading(name, profile, typing, positive),
    groups: splits.map((s) => groupCounts(s.valueOrThreshold, s.counts, postTraining)),
  };
}

/**
 * No configured value equals a cell of this categorical column: smclarify then converts the values
 * to the column's type, which fails for text beside numbers and stops the Clarify job; say so.
 */
function refuseUnconvertible(
  field: string,
  what: string,
  values: readonly ConfigValue[],
  profile: ColumnProfile,
): void {
  const dtype = profile.evidence().dtype;
  const value = unconvertibleValue(values, dtype);
  if (value === undefined) return;
  throw new EngineInputError(
    `${field} ${value.shown}: no configured value occurs in ${what}, which pandas reads as numbers (${dtype}), so Clarify converts the values to numbers and stops on ${value.shown}, ${value.why}; give values that occur in the column`,
  );
}

function facetWarnings(
  name: string,
  profile: ColumnProfile,
  typing: ColumnTyping,
  given: readonly ConfigValue[] | undefined,
  splits: readonly FacetSplit[],
): AnalysisWarning[] {
  const warnings: AnalysisWarning[] = [];
  const facts = columnFacts(namedColumn("facet", name), profile, typing);
  warnIfFloatFromMissing(profile, facts.what, warnings);
  for (const split of splits) {
    const d = rows(split.counts.d);
    const a = rows(split.counts.a);
    if (d === 0 && typing.dataType === "categorical" && given) {
      refuseUnconvertible(`facet ${quotedColumn(name)} value_or_threshold`, facts.what, given, profile);
    }
    if (d === 0) warnings.push(emptyFacetGroup(name, split.valueOrThreshold, given ?? [], facts));
    else if (a === 0) warnings.push(emptyOthersGroup(name, split.valueOrThreshold));
    else if (typing.dataType === "continuous" && typing.byUniqueness && given && occurs(profile, given[0])) {
      warnings.push(
        readAsThreshold(
          "FACET_READ_AS_THRESHOLD",
          `facet ${quotedColumn(name)} value_or_threshold`,
          given[0] as ConfigValue,
          facts,
          {
            facet: name,
            valueOrThreshold: split.valueOrThreshold,
          },
        ),
      );
    }
  }
  return warnings;
}

/** Whether a configured value equals (as a number) some value of a numeric column. */
function occurs(profile: ColumnProfile, value: ConfigValue | undefined): boolean {
  if (value === undefined) return false;
  const wanted = pythonFloatValue(value);
  for (let id = 0; id < profile.values.size; id++) {
    const text = profile.values.text(id);
    const number = parseNumberText(text);
    // A true/false cell is 1 or 0 in a column of booleans typed continuous.
    if ((Number.isNaN(number) ? booleanText(text) : number) === wanted) return true;
  }
  return false;
}

function warnIfFloatFromMissing(profile: ColumnProfile, what: string, warnings: AnalysisWarning[]): void {
  const evidence = profile.evidence();
  if (evidence.floatFromMissing) {
    warnings.push(floatFromMissing(columnFacts(what, profile, profile.typing(undefined)), profile.missing));
  }
}

function columnFacts(what: string, profile: ColumnProfile, typing: ColumnTyping): ColumnFacts {
  return {
    what,
    typing,
    max: profile.max,
    allInteger: profile.allNumeric && profile.allInteger,
    topValues: profile.topValues(TOP_VALUES),
    distinct: profile.values.overflowed ? profile.values.size : profile.distinctValues,
  };
}

function columnReading(
  column: string,
  profile: ColumnProfile,
  typing: ColumnTyping,
  positive: ColumnReading["positive"],
): ColumnReading {
  return {
    column,
    dataType: typing.dataType,
    why: typing.why,
    positive,
    topValues: profile.topValues(TOP_VALUES),
  };
}

function describePositive(positive: ColumnReading["positive"] | undefined): string {
  if (positive === undefined) return "";
  return "threshold" in positive ? `(above ${positive.threshold})` : JSON.stringify(positive.values);
}

/**
 * Why predictions written above the threshold may count as not above: the cast to the label's
 * integer dtype (aggregate/predicted-cast.ts), with a cell it moved below when one is known.
 */
function castNote(cast: PredictedCast | undefined): string {
  if (cast === undefined) return "";
  const example = cast.example ? `: ${cast.example.cell} counts as ${cast.example.cast}` : "";
  return `; it casts the predictions to the label's ${cast.dtype} first, toward zero${example}; write the predicted labels as the integers the model means, or give probability_threshold for scores`;
}

function skipReasons(
  skippedBy: ReadonlyMap<SkipRole, number>,
  label: string,
  predicted: string,
  facets: readonly string[],
  group: string | undefined,
): { reason: string; rows: number }[] {
  const reasonOf = (role: SkipRole): string => {
    if (role === "label") return `label ${quotedColumn(label)} missing`;
    if (role === "predicted_label") return `predicted label ${quotedColumn(predicted)} missing`;
    if (role === "group_variable") return `group_variable ${quotedColumn(group ?? "")} missing`;
    return `facet ${quotedColumn(facets[Number(role.slice("facet:".length))] ?? "")} missing`;
  };
  return [...skippedBy].map(([role, n]) => ({ reason: reasonOf(role), rows: n }));
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
 * Hands the dtypes the files tell (Parquet's schema, JSON Lines' kinds of value) to the profiles
 * of the analysed columns; CSV declares none, nor does a JSON Lines column of numbers.
 */
export function declareDtypes(counts: CollectedCounts, dataset: BiasDatasetShape): void {
  const dtypes = counts.columnDtypes ?? dataset.columnDtypes;
  counts.label.declaredDtype = profileDtype(dtypes?.[dataset.labelIndex]);
  if (counts.predicted && dataset.predictedIndex !== undefined) {
    const predictedDtypes = dataset.predictedDataset ? dataset.predictedDataset.columnDtypes : dtypes;
    counts.predicted.declaredDtype = profileDtype(predictedDtypes?.[dataset.predictedIndex]);
  }
  if (counts.group && dataset.groupIndex !== undefined)
    counts.group.declaredDtype = profileDtype(dtypes?.[dataset.groupIndex]);
  counts.facets.forEach((facet, f) => {
    facet.profile.declaredDtype = profileDtype(dtypes?.[dataset.facetIndexes[f] ?? -1]);
  });
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
  onThreadDependentTies: (ties: number, disadvantagedRows: number) => void,
): number {
  if (!features) throw new MetricComputationError("FT needs the feature rows");
  const used = features.indexes
    .map((index, i) => ({ index, values: features.columns[i], kinds: features.kinds[i] ?? 0 }))
    .filter((c) => c.index !== facetIndex);
  if (used.some((c) => c.values === undefined || !featureKindsNumeric(c.kinds))) {
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
  const dtype = featureMatrixDtype(used.map((c) => featureColumnDtype(c.kinds)));
  const result = flipTestResult({
    disadvantaged: group(sides.d),
    advantaged: group(sides.a),
    dimensions: used.length,
    dtype,
  });
  if (result.threadDependentTies > 0) onThreadDependentTies(result.threadDependentTies, sides.d.length);
  return result.value;
}

/**
 * The pandas dtype of a feature column FT accepts, from its cells: bool for boolean spellings
 * only, float64 once a number is not written as an integer or a cell is missing (pandas reads an
 * integer column with a missing cell as floats; FT accepts such a column only when that cell is in
 * a row left out, after which it stays float64), else int64. Parquet's floating-point cells read
 * as Python writes floats (`1.0`), and its nulls are missing cells, so its DOUBLE columns, and its
 * INT64 columns with a null, are float64 here too, as `read_parquet` gives them.
 */
function featureColumnDtype(kinds: number): FeatureColumnDtype {
  if ((kinds & FEATURE_CELL.boolean) !== 0) return "bool";
  return (kinds & (FEATURE_CELL.fraction | FEATURE_CELL.missing)) !== 0 ? "float64" : "int64";
}
