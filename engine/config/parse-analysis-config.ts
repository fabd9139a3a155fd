import { isRecord } from "../../contracts/is-record.ts";
import { POST_TRAINING_METRICS, PRE_TRAINING_METRICS } from "../../contracts/metric-codes.ts";
import { show } from "../../contracts/show-value.ts";
import { quotedColumn } from "../aggregate/role-column.ts";
import type {
  AnalysisConfig,
  ColumnRef,
  ConfigProblem,
  ConfigValue,
  DatasetType,
  FacetConfig,
  MetricSelection,
} from "./analysis-config.ts";
import { configNumber, writtenAsFloat } from "./config-json.ts";
import { checkExplainColumns, parseExplainConfig } from "./explain-config.ts";

/**
 * The one parser of a Clarify analysis_config.json: `validate` (the ValidateConfig step) and
 * `analyze` / `process` (the engine) both call it, so a config one accepts the other accepts.
 * It checks the rules the Clarify container applies and turns a bias config into a typed
 * {@link AnalysisConfig}; what the project's own engine cannot compute (yet) is not a problem
 * of the config but a limit of that engine: {@link unsupportedByEngine} lists it, for
 * `analyze` to refuse and for `validate` to report, with the same words.
 */

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

/** Method keys under `methods` the engine cannot run; they need the Clarify container. */
const AWS_ONLY_METHODS = ["asymmetric_shapley_value"];
/** The dataset types the engine reads; the others (JSON, images) need the Clarify container. */
const ENGINE_DATASET_TYPES: readonly string[] = [
  "text/csv",
  "application/jsonlines",
  "application/x-parquet",
];

const BIAS_CODES: Readonly<Record<string, readonly string[]>> = {
  pre_training_bias: PRE_TRAINING_METRICS,
  post_training_bias: POST_TRAINING_METRICS,
};

type Report = (path: string, message: string) => void;

const isScalar = (value: unknown) =>
  typeof value === "string" ||
  typeof value === "boolean" ||
  (typeof value === "number" && Number.isFinite(value));
const isColumn = (value: unknown): value is ColumnRef =>
  (typeof value === "string" && value !== "") ||
  (typeof value === "number" && Number.isInteger(value) && value >= 0);

/**
 * Checks a raw analysis_config.json and, when it requests bias analysis, types it. Every
 * problem is reported (not only the first), each located by a JSON path from `$` (the config's
 * root), so `validate` can print them all at once under its own prefix.
 */
export function parseAnalysisConfig(raw: unknown): {
  config: AnalysisConfig | undefined;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const problem: Report = (path, message) => problems.push({ path, message });
  if (!isRecord(raw)) {
    problem("$", `${show(raw)} is not an object; the analysis configuration must be a JSON object`);
    return { config: undefined, problems };
  }
  if (Object.hasOwn(raw, "version") && raw.version !== "1.0") {
    problem("$.version", `${show(raw.version)} is not supported; version must be "1.0" or left out`);
  }
  const datasetType = raw.dataset_type;
  if (!Object.hasOwn(raw, "dataset_type")) {
    problem("$.dataset_type", `dataset_type is required (one of ${DATASET_TYPES.join(", ")})`);
  } else if (!(DATASET_TYPES as readonly unknown[]).includes(datasetType)) {
    problem(
      "$.dataset_type",
      `${show(datasetType)} is not a Clarify dataset type (one of ${DATASET_TYPES.join(", ")})`,
    );
  }

  const headers = columnNames(raw, "headers", problem);
  const predictedLabelHeaders = columnNames(raw, "predicted_label_headers", problem);
  const excludedColumns = excludedColumnList(raw.excluded_columns, problem);
  const [label, groupVariable, predictedLabel] = (
    ["label", "group_variable", "predicted_label"] as const
  ).map((key) => {
    if (!Object.hasOwn(raw, key)) return undefined;
    if (isColumn(raw[key])) return raw[key];
    problem(`$.${key}`, `${show(raw[key])} is not a column name or 0-based index`);
    return undefined;
  });
  const features = optionalString(raw.features, "$.features", problem);
  const predictedLabelDatasetUri = optionalString(
    raw.predicted_label_dataset_uri,
    "$.predicted_label_dataset_uri",
    problem,
  );

  const { requested, preTraining, postTraining } = methodsOf(raw.methods, problem);
  const bias = requested.has("pre_training_bias") || requested.has("post_training_bias");
  let labelValues: ConfigValue[] | undefined;
  let facets: FacetConfig[] | undefined;
  if (bias) {
    if (!Object.hasOwn(raw, "label"))
      problem("$.label", "label is required for bias analysis (the target column)");
    labelValues = labelValuesOrThreshold(raw, problem);
    facets = facetList(raw.facet, problem);
  } else {
    // Explanations alone: label values and facets are optional, but checked when given.
    if (Object.hasOwn(raw, "label_values_or_threshold")) {
      labelValues = labelValuesOrThreshold(raw, problem);
    }
    if (Object.hasOwn(raw, "facet")) facets = facetList(raw.facet, problem);
  }
  // Explanations call a model: the Clarify image needs a predictor (unsupportedByEngine), the
  // engine a model given beside the config. Post-training bias needs predictions on any engine.
  const needsPredictions = requested.has("post_training_bias") ? ["post_training_bias"] : [];
  const hasPredictor = Object.hasOwn(raw, "predictor");
  const hasPredictions =
    hasPredictor ||
    Object.hasOwn(raw, "predicted_label") ||
    Object.hasOwn(raw, "predicted_label_dataset_uri");
  if (needsPredictions.length > 0 && !hasPredictions) {
    problem(
      "$.predictor",
      `${needsPredictions.join(", ")} need model predictions: give a predictor (model_name or endpoint_name) or predicted labels (predicted_label / predicted_label_dataset_uri)`,
    );
  }
  if (hasPredictor) checkPredictor(raw.predictor, problem);
  const explain = parseExplainConfig(isRecord(raw.methods) ? raw.methods : {}, raw.predictor, problem);
  let probabilityThreshold: number | undefined;
  if (Object.hasOwn(raw, "probability_threshold")) {
    const value = raw.probability_threshold;
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      problem("$.probability_threshold", `${show(value)} is not a number from 0 to 1`);
    } else {
      probabilityThreshold = value;
    }
  }
  checkNamedColumns(raw, headers, predictedLabelHeaders, facets, problem);
  checkExplainColumns(raw, explain, headers, problem);

  // Bias needs the label, its positive values and the facets; explanations need none of them.
  const biasReady = label !== undefined && labelValues !== undefined && facets !== undefined;
  if (problems.length > 0 || (bias && !biasReady)) return { config: undefined, problems };
  return {
    config: {
      datasetType: datasetType as DatasetType,
      ...(headers && { headers }),
      ...(features !== undefined && { features }),
      ...(label !== undefined && { label }),
      ...(labelValues !== undefined && { labelValuesOrThreshold: labelValues }),
      ...(probabilityThreshold !== undefined && { probabilityThreshold }),
      facets: facets ?? [],
      ...(groupVariable !== undefined && { groupVariable }),
      excludedColumns,
      ...(predictedLabel !== undefined && { predictedLabel }),
      ...(predictedLabelDatasetUri !== undefined && { predictedLabelDatasetUri }),
      ...(predictedLabelHeaders && { predictedLabelHeaders }),
      ...(preTraining && { preTraining }),
      ...(postTraining && { postTraining }),
      hasPredictor: isRecord(raw.predictor),
      awsOnlyMethods: AWS_ONLY_METHODS.filter((m) => requested.has(m)),
      ...explain,
    },
    problems,
  };
}

/**
 * The engines a config may run on: the SageMaker Clarify image, or the project's own, either
 * locally (`builtin`: analyze, run --local; a model only if one is handed to it) or as the
 * processing job of a builtin-engine deployment (`builtin-image`: it calls the predictor's
 * endpoint, or a shadow endpoint for its model, as Clarify does).
 */
export type AnalysisEngine = "clarify-image" | "builtin" | "builtin-image";

/** Post-training bias from a model's answers writes them as a CSV predicted-label column. */
export const MODEL_PREDICTIONS_NEED_CSV =
  "methods.post_training_bias from a model's predictions is computed for text/csv datasets: give predicted_label";

/**
 * What `engine` cannot compute for a config that is otherwise valid, one entry per option,
 * in the words `analyze` refuses it with and `validate` reports it with. The Clarify image
 * runs every analysis the parser accepts, but only against a model or endpoint it names.
 */
export function unsupportedByEngine(raw: unknown, engine: AnalysisEngine): ConfigProblem[] {
  if (!isRecord(raw)) return [];
  if (engine === "clarify-image") return clarifyImageLimits(raw);
  const unsupported: ConfigProblem[] = [];
  const methods = isRecord(raw.methods) ? raw.methods : {};
  // Bias and explanations alike read the records' feature array, which only `features` locates.
  const readsFeatures = ["pre_training_bias", "post_training_bias", "shap", "pdp"].some((m) =>
    Object.hasOwn(methods, m),
  );
  if (readsFeatures && raw.dataset_type === "application/jsonlines" && raw.features === undefined) {
    unsupported.push({
      path: "$.features",
      message:
        "features is required by the local engine for application/jsonlines: the path of the feature array in each record",
    });
  }
  if (Object.hasOwn(raw, "predicted_label_dataset_uri") && !Object.hasOwn(raw, "predicted_label")) {
    unsupported.push({
      path: "$.predicted_label",
      message:
        "predicted_label is required by the local engine with predicted_label_dataset_uri: the predicted label column",
    });
  }
  const shap = isRecord(methods.shap) ? methods.shap : {};
  for (const key of ["text_config", "image_config"].filter((k) => shap[k] !== undefined)) {
    unsupported.push({
      path: `$.methods.shap.${key}`,
      message: `methods.shap.${key}: text and image explanations need the SageMaker Clarify container: run this analysis on AWS`,
    });
  }
  for (const method of AWS_ONLY_METHODS.filter((m) => Object.hasOwn(methods, m))) {
    unsupported.push({
      path: `$.methods.${method}`,
      message: `methods.${method} needs the SageMaker Clarify container: run this analysis on AWS (clarify-pipeline start)`,
    });
  }
  if (typeof raw.dataset_type === "string" && !ENGINE_DATASET_TYPES.includes(raw.dataset_type)) {
    unsupported.push({
      path: "$.dataset_type",
      message: `dataset_type "${raw.dataset_type}" is read only by the SageMaker Clarify container: run this analysis on AWS`,
    });
  }
  const predictionsFromModel =
    Object.hasOwn(methods, "post_training_bias") &&
    !Object.hasOwn(raw, "predicted_label") &&
    isRecord(raw.predictor);
  if (predictionsFromModel && typeof raw.dataset_type === "string" && raw.dataset_type !== "text/csv") {
    unsupported.push({ path: "$.dataset_type", message: MODEL_PREDICTIONS_NEED_CSV });
  }
  if (engine === "builtin-image") {
    // Predicted labels do not explain a model: the builtin engine's SHAP and PDP call the predictor.
    const explains = ["shap", "pdp"].filter((m) => Object.hasOwn(methods, m));
    if (explains.length > 0 && !isRecord(raw.predictor)) {
      unsupported.push({
        path: "$.predictor",
        message: `methods.${explains.join(" and methods.")} need a model to explain: give a predictor (model_name or endpoint_name)`,
      });
    }
    return [...unsupported, ...predictorLimits(raw, [])];
  }
  if (predictionsFromModel) {
    unsupported.push({
      path: "$.predictor",
      message:
        "methods.post_training_bias with a predictor and no predicted_label needs a live model: run this analysis on AWS, or supply predicted labels (predicted_label)",
    });
  }
  return unsupported;
}

function optionalString(value: unknown, path: string, problem: Report): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    problem(path, `${show(value)} is not a non-empty string`);
    return undefined;
  }
  return value;
}

function columnNames(raw: Record<string, unknown>, key: string, problem: Report): string[] | undefined {
  if (!Object.hasOwn(raw, key)) return undefined;
  const value = raw[key];
  if (!Array.isArray(value) || !value.every((h) => typeof h === "string")) {
    problem(`$.${key}`, `${show(value)} is not a list of column names (strings)`);
    return undefined;
  }
  const seen = new Set<string>();
  for (const name of value) {
    if (seen.has(name)) problem(`$.${key}`, `column ${quotedColumn(name)} appears twice`);
    seen.add(name);
  }
  return value;
}

function excludedColumnList(value: unknown, problem: Report): ColumnRef[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isColumn)) {
    problem("$.excluded_columns", `${show(value)} is not a list of column names or 0-based indexes`);
    return [];
  }
  return value;
}

/** Positive label values: a threshold number or a non-empty list (config booleans kept: ConfigValue). */
function labelValuesOrThreshold(raw: Record<string, unknown>, problem: Report): ConfigValue[] | undefined {
  const value = raw.label_values_or_threshold;
  const list = scalarList(value, writtenAsFloat(raw, "label_values_or_threshold"));
  if (list === undefined) {
    problem(
      "$.label_values_or_threshold",
      typeof value === "boolean"
        ? loneBoolean(value)
        : `${show(value)} is not a threshold number or a non-empty list of positive label values; it is required for bias analysis`,
    );
  }
  return list;
}

/**
 * A boolean given alone, not in a list: smclarify indexes the configured values as a list
 * (`values[0]`, `for val in values`), which a lone `True` is not, so what Clarify makes of it is
 * not defined; the engine asks for the list.
 */
function loneBoolean(value: boolean): string {
  return `${show(value)} is a lone boolean, which Clarify does not read as a value list or a threshold; write [${show(value)}] for the value ${value ? "True" : "False"} (equal to the number ${value ? 1 : 0}), or a threshold number`;
}

/**
 * A config value list as smclarify sees it. A number written as a float (`1.0`, `1e20`: a
 * Python float, see config/config-json.ts) whose JavaScript text differs from Python's `str` is
 * a ConfigFloat: smclarify lists it as Python writes it ("1.0", "1e+20"), compares it as a
 * number (never as the text "1.0") and reads it as a float threshold.
 */
function scalarList(value: unknown, scalarIsFloat = false): ConfigValue[] | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return [configNumber(value, scalarIsFloat)];
  if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) return undefined;
  // A boolean stays one: Python's True, which equals 1 and is written "True" (ConfigValue).
  return value.map((item, i) =>
    typeof item === "number" ? configNumber(item, writtenAsFloat(value, i)) : (item as string | boolean),
  );
}

function facetList(value: unknown, problem: Report): FacetConfig[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problem(
      "$.facet",
      `${show(value)} is not a non-empty list of { name_or_index, value_or_threshold }; facet is required for bias analysis`,
    );
    return undefined;
  }
  const facets: FacetConfig[] = [];
  value.forEach((facet, index) => {
    const path = `$.facet[${index}]`;
    if (!isRecord(facet)) {
      problem(path, `${show(facet)} is not a facet object { name_or_index, value_or_threshold }`);
      return;
    }
    const nameOrIndex = facet.name_or_index;
    if (!isColumn(nameOrIndex)) {
      problem(`${path}.name_or_index`, `${show(nameOrIndex)} is not a column name or 0-based index`);
    }
    const given = facet.value_or_threshold;
    const values =
      given === undefined ? undefined : scalarList(given, writtenAsFloat(facet, "value_or_threshold"));
    if (given !== undefined && values === undefined) {
      problem(
        `${path}.value_or_threshold`,
        typeof given === "boolean"
          ? loneBoolean(given)
          : `${show(given)} is not a threshold number or a non-empty list of sensitive values`,
      );
    }
    if (!isColumn(nameOrIndex) || (given !== undefined && values === undefined)) return;
    facets.push(values ? { nameOrIndex, valueOrThreshold: values } : { nameOrIndex });
  });
  return facets.length === value.length ? facets : undefined;
}

function methodsOf(
  value: unknown,
  problem: Report,
): { requested: Set<string>; preTraining?: MetricSelection; postTraining?: MetricSelection } {
  const requested = new Set<string>();
  if (!isRecord(value)) {
    problem(
      "$.methods",
      `${show(value)} is not an object; methods is required and names the analyses to run (${ANALYSIS_METHODS.join(", ")})`,
    );
    return { requested };
  }
  const selections: Record<string, MetricSelection> = {};
  for (const [name, settings] of Object.entries(value)) {
    const path = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
      ? `$.methods.${name}`
      : `$.methods[${JSON.stringify(name)}]`;
    if (!(ANALYSIS_METHODS as readonly string[]).includes(name)) {
      problem(path, `${show(name)} is not a Clarify analysis (known: ${ANALYSIS_METHODS.join(", ")})`);
      continue;
    }
    requested.add(name);
    const codes = BIAS_CODES[name];
    if (!codes) continue;
    const selection = metricSelection(
      isRecord(settings) ? settings.methods : undefined,
      name,
      codes,
      problem,
    );
    if (selection) selections[name] = selection;
  }
  if (Object.keys(value).length === 0)
    problem("$.methods", "methods is empty; request at least one analysis");
  const preTraining = selections.pre_training_bias;
  const postTraining = selections.post_training_bias;
  return { requested, ...(preTraining && { preTraining }), ...(postTraining && { postTraining }) };
}

/** `"all"` or a list of exact metric codes, as smclarify matches them (upper case). */
function metricSelection(
  list: unknown,
  name: string,
  codes: readonly string[],
  problem: Report,
): MetricSelection | undefined {
  const path = `$.methods.${name}.methods`;
  if (list === "all") return "all";
  if (!Array.isArray(list) || list.length === 0) {
    problem(path, `${show(list)} is not "all" or a non-empty list of metric codes (${codes.join(", ")})`);
    return undefined;
  }
  if (list.length === 1 && list[0] === "all") return "all";
  let valid = true;
  list.forEach((code, index) => {
    if (typeof code !== "string" || !codes.includes(code)) {
      problem(`${path}[${index}]`, `${show(code)} is not a ${name} metric code (known: ${codes.join(", ")})`);
      valid = false;
    }
  });
  return valid ? (list as string[]) : undefined;
}

function checkPredictor(predictor: unknown, problem: Report): void {
  if (!isRecord(predictor)) {
    problem(
      "$.predictor",
      `${show(predictor)} is not an object; predictor names a model_name or an endpoint_name`,
    );
    return;
  }
  const hasModel = typeof predictor.model_name === "string" && predictor.model_name !== "";
  const hasEndpoint = typeof predictor.endpoint_name === "string" && predictor.endpoint_name !== "";
  // Neither is a limit of the Clarify image only (unsupportedByEngine): the engine may call a local model.
  if (hasModel && hasEndpoint)
    problem("$.predictor", "predictor must name exactly one of model_name or endpoint_name");
  const prefix = predictor.endpoint_name_prefix;
  if (
    prefix !== undefined &&
    (typeof prefix !== "string" || !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,22}$/.test(prefix))
  ) {
    problem(
      "$.predictor.endpoint_name_prefix",
      `${show(prefix)} is not an endpoint name prefix: at most 23 letters, digits and hyphens, starting and ending with a letter or digit`,
    );
  }
  if (hasModel) {
    if (typeof predictor.instance_type !== "string") {
      problem(
        "$.predictor.instance_type",
        `${show(predictor.instance_type)} is not an instance type; it is required with model_name`,
      );
    }
    const count = predictor.initial_instance_count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
      problem(
        "$.predictor.initial_instance_count",
        `${show(count)} is not a positive integer; it is required with model_name`,
      );
    }
  }
}

/**
 * Columns named in the config must be among `headers` when headers are given, like a column
 * missing from the dataset: label, predicted label (in predicted_label_headers when the
 * predicted labels have their own dataset), facets, group_variable, excluded_columns. In JSON
 * Lines, `label` and `predicted_label` are paths in the record, not header names.
 */
function checkNamedColumns(
  raw: Record<string, unknown>,
  headers: readonly string[] | undefined,
  predictedLabelHeaders: readonly string[] | undefined,
  facets: readonly FacetConfig[] | undefined,
  problem: Report,
): void {
  const jsonLines = raw.dataset_type === "application/jsonlines";
  const check = (path: string, ref: unknown, names: readonly string[] | undefined, listKey: string) => {
    if (names === undefined) return;
    if (typeof ref === "string" && !names.includes(ref)) {
      problem(
        path,
        `column ${quotedColumn(ref)} is not in ${listKey} (${names.map(quotedColumn).join(", ")})`,
      );
    }
  };
  if (!jsonLines) check("$.label", raw.label, headers, "headers");
  if (!jsonLines) {
    const separate = Object.hasOwn(raw, "predicted_label_dataset_uri");
    if (separate)
      check("$.predicted_label", raw.predicted_label, predictedLabelHeaders, "predicted_label_headers");
    else check("$.predicted_label", raw.predicted_label, headers, "headers");
  }
  facets?.forEach((facet, i) => {
    check(`$.facet[${i}].name_or_index`, facet.nameOrIndex, headers, "headers");
  });
  check("$.group_variable", raw.group_variable, headers, "headers");
  if (Array.isArray(raw.excluded_columns)) {
    raw.excluded_columns.forEach((ref, i) => {
      check(`$.excluded_columns[${i}]`, ref, headers, "headers");
    });
  }
}

/** The Clarify image explains only by calling the model or endpoint its predictor names. */
function clarifyImageLimits(raw: Record<string, unknown>): ConfigProblem[] {
  return predictorLimits(raw, ["shap", "pdp", "asymmetric_shapley_value"]);
}

/** In a processing job on AWS, explanations call the predictor, which names one model or endpoint. */
function predictorLimits(raw: Record<string, unknown>, explanations: readonly string[]): ConfigProblem[] {
  const limits: ConfigProblem[] = [];
  const predictor = raw.predictor;
  const methods = isRecord(raw.methods) ? raw.methods : {};
  const explains = explanations.filter((m) => Object.hasOwn(methods, m));
  const hasPredictions =
    predictor !== undefined ||
    Object.hasOwn(raw, "predicted_label") ||
    Object.hasOwn(raw, "predicted_label_dataset_uri");
  if (explains.length > 0 && !hasPredictions && !Object.hasOwn(methods, "post_training_bias")) {
    limits.push({
      path: "$.predictor",
      message: `${explains.join(", ")} need model predictions: give a predictor (model_name or endpoint_name) or predicted labels (predicted_label / predicted_label_dataset_uri)`,
    });
  }
  const named = (key: string) =>
    isRecord(predictor) && typeof predictor[key] === "string" && predictor[key] !== "";
  if (isRecord(predictor) && !named("model_name") && !named("endpoint_name")) {
    limits.push({
      path: "$.predictor",
      message: "predictor must name exactly one of model_name or endpoint_name",
    });
  }
  return limits;
}
