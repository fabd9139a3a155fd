import { POST_TRAINING_METRICS, PRE_TRAINING_METRICS } from "../../shared/metric-codes.ts";
import { childPath, forEachString, isRecord, type Problems, show } from "../problems.ts";
import type { Rule, RuleContext } from "./context.ts";
import { checkS3Uri } from "./s3-locations.ts";

export const DATASET_TYPES = [
  "text/csv",
  "application/jsonlines",
  "application/sagemakercapturejson",
  "application/x-parquet",
  "application/x-image",
  "application/json",
] as const;

export const ANALYSIS_METHODS = [
  "pre_training_bias",
  "post_training_bias",
  "shap",
  "pdp",
  "report",
  "asymmetric_shapley_value",
] as const;

/** Top-level keys that must be S3 URIs of data the job reads. */
export const DATA_URI_KEYS = ["dataset_uri", "predicted_label_dataset_uri"] as const;

const BIAS_METRICS: Readonly<Record<string, readonly string[]>> = {
  pre_training_bias: PRE_TRAINING_METRICS,
  post_training_bias: POST_TRAINING_METRICS,
};

const isScalar = (value: unknown) =>
  typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
const isColumn = (value: unknown) =>
  (typeof value === "string" && value !== "") ||
  (typeof value === "number" && Number.isInteger(value) && value >= 0);

/** Rule form: the inline analysis config of run.json. */
export const checkInlineAnalysisConfig: Rule = (draft, context, problems) => {
  if (draft.analysisConfig)
    checkAnalysisConfig(draft.analysisConfig.value, draft.analysisConfig.path, context, problems);
};

/** Checks a Clarify analysis_config.json (inline or read from S3) found at `path`. */
export function checkAnalysisConfig(
  config: unknown,
  path: string,
  context: RuleContext,
  problems: Problems,
): void {
  if (!isRecord(config)) {
    problems.add(path, `${show(config)} is not an object; the analysis configuration must be a JSON object`);
    return;
  }
  const at = (key: string) => childPath(path, key);
  if (Object.hasOwn(config, "version") && config.version !== "1.0") {
    problems.add(
      at("version"),
      `${show(config.version)} is not supported; version must be "1.0" or left out`,
    );
  }
  if (!Object.hasOwn(config, "dataset_type")) {
    problems.add(at("dataset_type"), `dataset_type is required (one of ${DATASET_TYPES.join(", ")})`);
  } else if (!(DATASET_TYPES as readonly unknown[]).includes(config.dataset_type)) {
    problems.add(
      at("dataset_type"),
      `${show(config.dataset_type)} is not a Clarify dataset type (one of ${DATASET_TYPES.join(", ")})`,
    );
  }
  for (const key of DATA_URI_KEYS) {
    if (Object.hasOwn(config, key))
      checkS3Uri({ value: config[key], path: at(key) }, context, problems, { what: key });
  }
  checkNestedS3Uris(config, path, context, problems);
  checkColumnLists(config, path, problems);
  const requested = checkMethods(config, path, problems);
  const bias = requested.has("pre_training_bias") || requested.has("post_training_bias");
  if (bias) checkBiasKeys(config, path, problems);
  const needsPredictions = ["post_training_bias", "shap", "pdp", "asymmetric_shapley_value"].filter((m) =>
    requested.has(m),
  );
  const hasPredictions =
    Object.hasOwn(config, "predictor") ||
    Object.hasOwn(config, "predicted_label") ||
    Object.hasOwn(config, "predicted_label_dataset_uri");
  if (needsPredictions.length > 0 && !hasPredictions) {
    problems.add(
      at("predictor"),
      `${needsPredictions.join(", ")} need model predictions: give a predictor (model_name or endpoint_name) or predicted labels (predicted_label / predicted_label_dataset_uri)`,
    );
  }
  if (Object.hasOwn(config, "predictor")) checkPredictor(config.predictor, at("predictor"), problems);
  if (Object.hasOwn(config, "probability_threshold")) {
    const value = config.probability_threshold;
    if (typeof value !== "number" || value < 0 || value > 1) {
      problems.add(at("probability_threshold"), `${show(value)} is not a number from 0 to 1`);
    }
  }
}

/**
 * Any other `s3://` string in the config (a SHAP `baseline`, a future key) is read by the
 * job too, so its bucket must be allowed as well: the config must not steer the job role
 * at a bucket the deployment does not allow.
 */
function checkNestedS3Uris(
  config: Record<string, unknown>,
  path: string,
  context: RuleContext,
  problems: Problems,
): void {
  for (const [key, value] of Object.entries(config)) {
    if ((DATA_URI_KEYS as readonly string[]).includes(key)) continue;
    forEachString(value, childPath(path, key), key, (text, at, name) => {
      if (/^s3:\/\//i.test(text.trim()))
        checkS3Uri({ value: text, path: at }, context, problems, { what: name });
    });
  }
}

function checkColumnLists(config: Record<string, unknown>, path: string, problems: Problems): void {
  for (const key of ["headers", "predicted_label_headers"]) {
    const value = config[key];
    if (Object.hasOwn(config, key) && (!Array.isArray(value) || !value.every((h) => typeof h === "string"))) {
      problems.add(childPath(path, key), `${show(value)} is not a list of column names (strings)`);
    }
  }
  if (Object.hasOwn(config, "excluded_columns")) {
    const value = config.excluded_columns;
    if (!Array.isArray(value) || !value.every(isColumn)) {
      problems.add(
        childPath(path, "excluded_columns"),
        `${show(value)} is not a list of column names or 0-based indexes`,
      );
    }
  }
  for (const key of ["label", "group_variable", "predicted_label"]) {
    if (Object.hasOwn(config, key) && !isColumn(config[key])) {
      problems.add(childPath(path, key), `${show(config[key])} is not a column name or 0-based index`);
    }
  }
}

/** Returns the analyses requested (known ones only). */
function checkMethods(config: Record<string, unknown>, path: string, problems: Problems): Set<string> {
  const requested = new Set<string>();
  const methodsPath = childPath(path, "methods");
  const methods = config.methods;
  if (!isRecord(methods)) {
    problems.add(
      methodsPath,
      `${show(methods)} is not an object; methods is required and names the analyses to run (${ANALYSIS_METHODS.join(", ")})`,
    );
    return requested;
  }
  for (const [name, settings] of Object.entries(methods)) {
    const methodPath = childPath(methodsPath, name);
    if (!(ANALYSIS_METHODS as readonly string[]).includes(name)) {
      problems.add(methodPath, `"${name}" is not a Clarify analysis (known: ${ANALYSIS_METHODS.join(", ")})`);
      continue;
    }
    requested.add(name);
    const codes = BIAS_METRICS[name];
    if (!codes) continue;
    const list = isRecord(settings) ? settings.methods : undefined;
    const listPath = childPath(methodPath, "methods");
    if (list === "all") continue;
    if (!Array.isArray(list) || list.length === 0) {
      problems.add(
        listPath,
        `${show(list)} is not "all" or a non-empty list of metric codes (${codes.join(", ")})`,
      );
      continue;
    }
    list.forEach((code, index) => {
      if (typeof code !== "string" || !codes.includes(code)) {
        problems.add(
          childPath(listPath, index),
          `${show(code)} is not a ${name} metric code (known: ${codes.join(", ")})`,
        );
      }
    });
  }
  if (Object.keys(methods).length === 0)
    problems.add(methodsPath, "methods is empty; request at least one analysis");
  return requested;
}

function checkBiasKeys(config: Record<string, unknown>, path: string, problems: Problems): void {
  if (!Object.hasOwn(config, "label"))
    problems.add(childPath(path, "label"), "label is required for bias analysis (the target column)");
  const labelValues = config.label_values_or_threshold;
  const labelValuesOk =
    (typeof labelValues === "number" && Number.isFinite(labelValues)) ||
    (Array.isArray(labelValues) && labelValues.length > 0 && labelValues.every(isScalar));
  if (!labelValuesOk) {
    problems.add(
      childPath(path, "label_values_or_threshold"),
      `${show(labelValues)} is not a threshold number or a non-empty list of positive label values; it is required for bias analysis`,
    );
  }
  const facetPath = childPath(path, "facet");
  const facets = config.facet;
  if (!Array.isArray(facets) || facets.length === 0) {
    problems.add(
      facetPath,
      `${show(facets)} is not a non-empty list of { name_or_index, value_or_threshold }; facet is required for bias analysis`,
    );
    return;
  }
  facets.forEach((facet, index) => {
    const itemPath = childPath(facetPath, index);
    if (!isRecord(facet)) {
      problems.add(itemPath, `${show(facet)} is not a facet object { name_or_index, value_or_threshold }`);
      return;
    }
    if (!isColumn(facet.name_or_index)) {
      problems.add(
        childPath(itemPath, "name_or_index"),
        `${show(facet.name_or_index)} is not a column name or 0-based index`,
      );
    }
    const value = facet.value_or_threshold;
    const valueOk =
      value === undefined ||
      (typeof value === "number" && Number.isFinite(value)) ||
      (Array.isArray(value) && value.length > 0 && value.every(isScalar));
    if (!valueOk) {
      problems.add(
        childPath(itemPath, "value_or_threshold"),
        `${show(value)} is not a threshold number or a non-empty list of sensitive values`,
      );
    }
  });
}

function checkPredictor(predictor: unknown, path: string, problems: Problems): void {
  if (!isRecord(predictor)) {
    problems.add(
      path,
      `${show(predictor)} is not an object; predictor names a model_name or an endpoint_name`,
    );
    return;
  }
  const hasModel = typeof predictor.model_name === "string" && predictor.model_name !== "";
  const hasEndpoint = typeof predictor.endpoint_name === "string" && predictor.endpoint_name !== "";
  if (hasModel === hasEndpoint) {
    problems.add(path, "predictor must name exactly one of model_name or endpoint_name");
  }
  if (hasModel) {
    if (typeof predictor.instance_type !== "string") {
      problems.add(
        childPath(path, "instance_type"),
        `${show(predictor.instance_type)} is not an instance type; it is required with model_name`,
      );
    }
    const count = predictor.initial_instance_count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
      problems.add(
        childPath(path, "initial_instance_count"),
        `${show(count)} is not a positive integer; it is required with model_name`,
      );
    }
  }
}
