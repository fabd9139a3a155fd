import type { ExplainConfig } from "./explain-config.ts";

/**
 * The parts of a Clarify analysis_config.json the local engine understands, after parsing.
 * Keys follow the public "Analysis configuration files" documentation; only shapes change
 * (snake_case to camelCase, single values to lists).
 */

/** A column given by header name or by zero-based index. */
export type ColumnRef = string | number;

/**
 * A configured label or facet value: text, a number, a config boolean (JSON `true`), which the
 * Clarify container, parsing the config with Python, holds as `True`: it equals the number 1
 * (bool is an int subclass) and is written "True" (aggregate/python-float.ts), or a config float
 * that a JavaScript number cannot stand for (`ConfigFloat`).
 */
export type ConfigValue = string | number | boolean | ConfigFloat;

/**
 * A number written as a float in analysis_config.json (`1.0`, `1e20`) whose JavaScript number
 * would read as another Python value: an integral one (`1.0` is Python's float, `1` its int) or
 * one Python writes otherwise ("1e+20"). smclarify writes it so ("1.0") and compares it as a
 * number, never as the text "1.0" (config/config-json.ts keeps the spelling). Plain data, so
 * that it crosses to worker threads. A float JavaScript writes as Python does (`0.5`) stays a
 * number, which is a float whenever it is not integral.
 */
export interface ConfigFloat {
  readonly float: number;
}

/** One facet entry of `facet`. */
export interface FacetConfig {
  readonly nameOrIndex: ColumnRef;
  /** Sensitive values, or a one-element numeric threshold; absent: each value in turn. */
  readonly valueOrThreshold?: readonly ConfigValue[];
}

/** `"all"` or a list of Clarify metric codes. */
export type MetricSelection = "all" | readonly string[];

/** The types the engine reads, then those only the Clarify container reads (refused by `analyze`). */
export type DatasetType =
  | "text/csv"
  | "application/jsonlines"
  | "application/x-parquet"
  | "application/json"
  | "application/x-image";

export interface AnalysisConfig extends ExplainConfig {
  readonly datasetType: DatasetType;
  readonly headers?: readonly string[];
  /** JSON Lines only: dotted path of the feature array in each record. */
  readonly features?: string;
  /**
   * Column name/index (CSV) or dotted path (JSON Lines) of the target. Absent only when no
   * bias method runs and the dataset has no label column (explanations of features alone).
   */
  readonly label?: ColumnRef;
  /** Present whenever a bias method runs. */
  readonly labelValuesOrThreshold?: readonly ConfigValue[];
  /** Scores above this count as a positive prediction. */
  readonly probabilityThreshold?: number;
  /** Empty when no bias method runs and no facet is given. */
  readonly facets: readonly FacetConfig[];
  readonly groupVariable?: ColumnRef;
  readonly excludedColumns: readonly ColumnRef[];
  /** Column (CSV) or path (JSON Lines) of predicted labels, in the dataset or in the predicted-label dataset. */
  readonly predictedLabel?: ColumnRef;
  readonly predictedLabelDatasetUri?: string;
  readonly predictedLabelHeaders?: readonly string[];
  readonly preTraining?: MetricSelection;
  readonly postTraining?: MetricSelection;
  /** The `predictor` block is present (a live model would be called on AWS). */
  readonly hasPredictor: boolean;
  /** Analyses requested under `methods` that only the AWS container runs (`asymmetric_shapley_value`). */
  readonly awsOnlyMethods: readonly string[];
}

/** A config that runs a bias method: the label and its positive values are then known. */
export type BiasConfig = AnalysisConfig & {
  readonly label: ColumnRef;
  readonly labelValuesOrThreshold: readonly ConfigValue[];
};

/** True when the config asks for pre- or post-training bias. */
export function runsBias(config: AnalysisConfig): config is BiasConfig {
  return (
    (config.preTraining !== undefined || config.postTraining !== undefined) &&
    config.label !== undefined &&
    config.labelValuesOrThreshold !== undefined
  );
}

/** One thing wrong with a raw config, located by JSON path (`$.facet[0].name_or_index`). */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}
