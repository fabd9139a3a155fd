import { isRecord } from "../../lambdas/shared/is-record.ts";
import { POST_TRAINING_CODES, PRE_TRAINING_CODES } from "../metrics/catalog.ts";
import type {
  AnalysisConfig,
  ColumnRef,
  ConfigProblem,
  DatasetType,
  FacetConfig,
  MetricSelection,
} from "./analysis-config.ts";
import { parseExplainConfig } from "./explain-config.ts";

/** Method keys under `methods` that are not bias analyses and need the Clarify container. */
const AWS_ONLY_METHODS = ["asymmetric_shapley_value"];
/** Explanation methods, parsed by explain-config.ts; the engine runs them against a model. */
const EXPLAIN_METHODS = ["shap", "pdp"];
/** Method keys that change nothing in the local engine's results. */
const IGNORED_METHODS = ["report"];
const DATASET_TYPES: readonly string[] = ["text/csv", "application/jsonlines", "application/x-parquet"];
const CONTAINER_DATASET_TYPES: readonly string[] = ["application/json", "application/x-image"];

/**
 * Checks a raw analysis_config.json against the rules the Clarify container applies to the
 * bias part, and turns it into an {@link AnalysisConfig}. Every problem is reported (not only
 * the first), each located by a JSON path, so `validate` can print them all at once.
 */
export function parseAnalysisConfig(raw: unknown): {
  config: AnalysisConfig | undefined;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  if (!isRecord(raw)) {
    problem("$", "the analysis config must be a JSON object");
    return { config: undefined, problems };
  }

  const datasetType = raw.dataset_type;
  if (typeof datasetType !== "string") {
    problem("$.dataset_type", "is required: text/csv, application/jsonlines or application/x-parquet");
  } else if (!DATASET_TYPES.includes(datasetType) && !CONTAINER_DATASET_TYPES.includes(datasetType)) {
    problem("$.dataset_type", `"${datasetType}" is not a dataset type Clarify reads`);
  }

  const headers = optionalStringList(raw.headers, "$.headers", problem);
  const features = optionalString(raw.features, "$.features", problem);
  if (datasetType === "application/jsonlines" && features === undefined) {
    problem(
      "$.features",
      "is required for application/jsonlines: the path of the feature array in each record",
    );
  }

  const label = columnRef(raw.label, "$.label", problem, true);
  const labelValues = labelValuesOrThreshold(raw.label_values_or_threshold, problem);

  let probabilityThreshold: number | undefined;
  if (raw.probability_threshold !== undefined) {
    if (typeof raw.probability_threshold !== "number" || !Number.isFinite(raw.probability_threshold)) {
      problem(
        "$.probability_threshold",
        `must be a number, got ${JSON.stringify(raw.probability_threshold)}`,
      );
    } else {
      probabilityThreshold = raw.probability_threshold;
    }
  }

  const facets = facetList(raw.facet, problem);
  const groupVariable =
    raw.group_variable === undefined ? undefined : columnRef(raw.group_variable, "$.group_variable", problem);
  const excludedColumns = excludedColumnList(raw.excluded_columns, problem);
  const predictedLabel =
    raw.predicted_label === undefined
      ? undefined
      : columnRef(raw.predicted_label, "$.predicted_label", problem);
  const predictedLabelDatasetUri = optionalString(
    raw.predicted_label_dataset_uri,
    "$.predicted_label_dataset_uri",
    problem,
  );
  const predictedLabelHeaders = optionalStringList(
    raw.predicted_label_headers,
    "$.predicted_label_headers",
    problem,
  );
  if (predictedLabelDatasetUri !== undefined && predictedLabel === undefined) {
    problem("$.predicted_label", "is required with predicted_label_dataset_uri: the predicted label column");
  }

  const { preTraining, postTraining, awsOnlyMethods } = methodsOf(raw.methods, problem);
  const hasPredictor = isRecord(raw.predictor);
  if (raw.predictor !== undefined && !hasPredictor) problem("$.predictor", "must be an object");
  const explain = parseExplainConfig(isRecord(raw.methods) ? raw.methods : {}, raw.predictor, problem);

  if (problems.length > 0 || label === undefined || labelValues === undefined || facets === undefined) {
    return { config: undefined, problems };
  }
  return {
    config: {
      datasetType: datasetType as DatasetType,
      ...(headers && { headers }),
      ...(features !== undefined && { features }),
      label,
      labelValuesOrThreshold: labelValues,
      ...(probabilityThreshold !== undefined && { probabilityThreshold }),
      facets,
      ...(groupVariable !== undefined && { groupVariable }),
      excludedColumns,
      ...(predictedLabel !== undefined && { predictedLabel }),
      ...(predictedLabelDatasetUri !== undefined && { predictedLabelDatasetUri }),
      ...(predictedLabelHeaders && { predictedLabelHeaders }),
      ...(preTraining && { preTraining }),
      ...(postTraining && { postTraining }),
      hasPredictor,
      awsOnlyMethods,
      ...explain,
    },
    problems,
  };
}

type Report = (path: string, message: string) => void;

function optionalString(value: unknown, path: string, problem: Report): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    problem(path, `must be a non-empty string, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

function optionalStringList(value: unknown, path: string, problem: Report): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    problem(path, "must be a non-empty list of column names");
    return undefined;
  }
  const names: string[] = [];
  value.forEach((name, i) => {
    if (typeof name !== "string") problem(`${path}[${i}]`, `must be a string, got ${JSON.stringify(name)}`);
    else names.push(name);
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) problem(path, `column "${name}" appears twice`);
    seen.add(name);
  }
  return names;
}

function columnRef(value: unknown, path: string, problem: Report, required = false): ColumnRef | undefined {
  if (value === undefined) {
    if (required) problem(path, "is required: a column name or zero-based column index");
    return undefined;
  }
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  problem(path, `must be a column name or a zero-based column index, got ${JSON.stringify(value)}`);
  return undefined;
}

function scalarList(value: unknown, path: string, problem: Report): (string | number)[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    problem(path, "must not be empty");
    return undefined;
  }
  const out: (string | number)[] = [];
  list.forEach((item, i) => {
    const itemPath = Array.isArray(value) ? `${path}[${i}]` : path;
    if (typeof item === "string" || (typeof item === "number" && Number.isFinite(item))) out.push(item);
    else if (typeof item === "boolean") out.push(item ? "True" : "False");
    else problem(itemPath, `must be a string or a number, got ${JSON.stringify(item)}`);
  });
  return out.length === list.length ? out : undefined;
}

function labelValuesOrThreshold(value: unknown, problem: Report): (string | number)[] | undefined {
  if (value === undefined) {
    problem("$.label_values_or_threshold", "is required: the positive label values, or a numeric threshold");
    return undefined;
  }
  return scalarList(value, "$.label_values_or_threshold", problem);
}

function facetList(value: unknown, problem: Report): FacetConfig[] | undefined {
  if (value === undefined) {
    problem("$.facet", "is required: a list of {name_or_index, value_or_threshold}");
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    problem("$.facet", "must be a non-empty list of {name_or_index, value_or_threshold}");
    return undefined;
  }
  const facets: FacetConfig[] = [];
  value.forEach((entry, i) => {
    const path = `$.facet[${i}]`;
    if (!isRecord(entry)) {
      problem(path, "must be an object with name_or_index");
      return;
    }
    const nameOrIndex = columnRef(entry.name_or_index, `${path}.name_or_index`, problem, true);
    const values =
      entry.value_or_threshold === undefined
        ? undefined
        : scalarList(entry.value_or_threshold, `${path}.value_or_threshold`, problem);
    if (nameOrIndex === undefined || (entry.value_or_threshold !== undefined && values === undefined)) return;
    facets.push(values ? { nameOrIndex, valueOrThreshold: values } : { nameOrIndex });
  });
  return facets.length === value.length ? facets : undefined;
}

function excludedColumnList(value: unknown, problem: Report): ColumnRef[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem("$.excluded_columns", "must be a list of column names or indexes");
    return [];
  }
  const refs: ColumnRef[] = [];
  value.forEach((item, i) => {
    const ref = columnRef(item, `$.excluded_columns[${i}]`, problem);
    if (ref !== undefined) refs.push(ref);
  });
  return refs;
}

function methodsOf(
  value: unknown,
  problem: Report,
): { preTraining?: MetricSelection; postTraining?: MetricSelection; awsOnlyMethods: string[] } {
  if (!isRecord(value)) {
    problem("$.methods", "is required: an object with pre_training_bias and/or post_training_bias");
    return { awsOnlyMethods: [] };
  }
  const awsOnlyMethods: string[] = [];
  let explains = false;
  for (const key of Object.keys(value)) {
    if (AWS_ONLY_METHODS.includes(key)) awsOnlyMethods.push(key);
    else if (EXPLAIN_METHODS.includes(key)) explains = true;
    else if (key !== "pre_training_bias" && key !== "post_training_bias" && !IGNORED_METHODS.includes(key)) {
      problem(`$.methods.${key}`, "is not an analysis method Clarify knows");
    }
  }
  const preTraining = metricSelection(
    value.pre_training_bias,
    "pre_training_bias",
    PRE_TRAINING_CODES,
    problem,
  );
  const postTraining = metricSelection(
    value.post_training_bias,
    "post_training_bias",
    POST_TRAINING_CODES,
    problem,
  );
  if (!preTraining && !postTraining && awsOnlyMethods.length === 0 && !explains) {
    problem("$.methods", "requests no analysis: add pre_training_bias and/or post_training_bias");
  }
  return {
    ...(preTraining && { preTraining }),
    ...(postTraining && { postTraining }),
    awsOnlyMethods,
  };
}

function metricSelection(
  value: unknown,
  key: string,
  codes: readonly string[],
  problem: Report,
): MetricSelection | undefined {
  if (value === undefined) return undefined;
  const path = `$.methods.${key}.methods`;
  if (!isRecord(value)) {
    problem(`$.methods.${key}`, 'must be an object like {"methods": "all"}');
    return undefined;
  }
  const methods = value.methods;
  if (methods === "all") return "all";
  if (!Array.isArray(methods) || methods.length === 0) {
    problem(path, `must be "all" or a non-empty list of metric codes (${codes.join(", ")})`);
    return undefined;
  }
  if (methods.length === 1 && methods[0] === "all") return "all";
  const selected: string[] = [];
  methods.forEach((code, i) => {
    const upper = typeof code === "string" ? code.toUpperCase() : undefined;
    if (upper === undefined || !codes.includes(upper)) {
      problem(
        `${path}[${i}]`,
        `${JSON.stringify(code)} is not a ${key} metric; use one of ${codes.join(", ")}`,
      );
    } else {
      selected.push(upper);
    }
  });
  return selected;
}
