import { isRecord } from "../../contracts/is-record.ts";
import type { ColumnRef } from "./analysis-config.ts";

/**
 * The explanation part of a Clarify analysis config (`methods.shap`, `methods.pdp` and the
 * `predictor` that says how to read the model's answers), checked with the rules and defaults
 * of the public "Analysis configuration files" documentation.
 */

export type AggMethod = "mean_abs" | "median" | "mean_sq";
const AGG_METHODS: readonly string[] = ["mean_abs", "median", "mean_sq"];

export interface ShapConfig {
  /**
   * Inline baseline rows, or the URI/path of a baseline file (`readFrom`: the job's local copy
   * of an `s3://` one, see {@link withBaselineCopy}); absent: computed by clustering.
   */
  readonly baseline?:
    | { readonly rows: readonly (readonly (string | number)[])[] }
    | { readonly uri: string; readonly readFrom?: string };
  readonly numClusters?: number;
  readonly numSamples?: number;
  readonly aggMethod: AggMethod;
  readonly useLogit: boolean;
  readonly saveLocalShapValues: boolean;
  readonly seed?: number;
  readonly featuresToExplain?: readonly ColumnRef[];
}

export interface PdpConfig {
  readonly features?: readonly ColumnRef[];
  readonly gridResolution: number;
  readonly topKFeatures: number;
}

export interface PredictorConfig {
  readonly contentType: "text/csv" | "application/jsonlines";
  readonly acceptType: "text/csv" | "application/jsonlines";
  /** CSV answers: column index; JSON Lines answers: key or dotted path. */
  readonly label?: string | number;
  readonly probability?: string | number;
  readonly labelHeaders?: readonly string[];
  /** JSON Lines requests: the record with `$features` (or `$features_kvp`) in it. */
  readonly contentTemplate?: string;
  /** InvokeEndpoint's TargetModel (a multi-model endpoint) and CustomAttributes. */
  readonly targetModel?: string;
  readonly customAttributes?: string;
}

export interface ExplainConfig {
  readonly shap?: ShapConfig;
  readonly pdp?: PdpConfig;
  readonly predictor?: PredictorConfig;
}

type Report = (path: string, message: string) => void;
const CONTENT_TYPES: readonly string[] = ["text/csv", "application/jsonlines"];

export function parseExplainConfig(
  methods: Record<string, unknown>,
  predictor: unknown,
  problem: Report,
): ExplainConfig {
  const shap = methods.shap === undefined ? undefined : shapConfig(methods.shap, problem);
  const pdp = methods.pdp === undefined ? undefined : pdpConfig(methods.pdp, shap !== undefined, problem);
  const parsedPredictor = isRecord(predictor) ? predictorConfig(predictor, problem) : undefined;
  return {
    ...(shap && { shap }),
    ...(pdp && { pdp }),
    ...(parsedPredictor && { predictor: parsedPredictor }),
  };
}

function shapConfig(value: unknown, problem: Report): ShapConfig | undefined {
  const path = "$.methods.shap";
  if (!isRecord(value)) {
    problem(path, "must be an object");
    return undefined;
  }
  let baseline: ShapConfig["baseline"];
  if (typeof value.baseline === "string" && value.baseline !== "") baseline = { uri: value.baseline };
  else if (Array.isArray(value.baseline)) {
    const rows = value.baseline;
    const ok =
      rows.length > 0 &&
      rows.every(
        (row) =>
          Array.isArray(row) &&
          row.length > 0 &&
          row.every(
            (cell) => typeof cell === "string" || (typeof cell === "number" && Number.isFinite(cell)),
          ),
      );
    if (ok) baseline = { rows: rows as (string | number)[][] };
    else
      problem(
        `${path}.baseline`,
        "must be a non-empty list of rows (lists of numbers or strings) or a file URI",
      );
  } else if (value.baseline !== undefined) {
    problem(
      `${path}.baseline`,
      `must be a list of rows or a file URI, got ${JSON.stringify(value.baseline)}`,
    );
  }
  const numClusters = positiveInteger(value.num_clusters, `${path}.num_clusters`, problem);
  if (baseline !== undefined && numClusters !== undefined) {
    problem(`${path}.num_clusters`, "applies only without a baseline: give one or the other");
  }
  const numSamples = positiveInteger(value.num_samples, `${path}.num_samples`, problem);
  const aggMethod = value.agg_method ?? "mean_abs";
  if (typeof aggMethod !== "string" || !AGG_METHODS.includes(aggMethod)) {
    problem(
      `${path}.agg_method`,
      `must be one of ${AGG_METHODS.join(", ")}, got ${JSON.stringify(aggMethod)}`,
    );
  }
  const useLogit = flag(value.use_logit, false, `${path}.use_logit`, problem);
  const saveLocal = flag(value.save_local_shap_values, true, `${path}.save_local_shap_values`, problem);
  let seed: number | undefined;
  if (value.seed !== undefined) {
    if (typeof value.seed === "number" && Number.isInteger(value.seed)) seed = value.seed;
    else problem(`${path}.seed`, `must be an integer, got ${JSON.stringify(value.seed)}`);
  }
  const featuresToExplain =
    value.features_to_explain === undefined
      ? undefined
      : columnList(value.features_to_explain, `${path}.features_to_explain`, problem);
  // text_config and image_config are valid for the Clarify image; the engine's limit is listed
  // by unsupportedByEngine (parse-analysis-config.ts), so validate and analyze say it alike.
  return {
    ...(baseline && { baseline }),
    ...(numClusters !== undefined && { numClusters }),
    ...(numSamples !== undefined && { numSamples }),
    aggMethod: aggMethod as AggMethod,
    useLogit,
    saveLocalShapValues: saveLocal,
    ...(seed !== undefined && { seed }),
    ...(featuresToExplain && { featuresToExplain }),
  };
}

function pdpConfig(value: unknown, withShap: boolean, problem: Report): PdpConfig | undefined {
  const path = "$.methods.pdp";
  if (!isRecord(value)) {
    problem(path, "must be an object");
    return undefined;
  }
  const features =
    value.features === undefined ? undefined : columnList(value.features, `${path}.features`, problem);
  if (features === undefined && !withShap) {
    problem(
      `${path}.features`,
      "is required without methods.shap (the top SHAP features are used otherwise)",
    );
  }
  return {
    ...(features && { features }),
    gridResolution: positiveInteger(value.grid_resolution, `${path}.grid_resolution`, problem) ?? 15,
    topKFeatures: positiveInteger(value.top_k_features, `${path}.top_k_features`, problem) ?? 10,
  };
}

function predictorConfig(value: Record<string, unknown>, problem: Report): PredictorConfig {
  const path = "$.predictor";
  const contentType = value.content_type ?? "text/csv";
  if (typeof contentType !== "string" || !CONTENT_TYPES.includes(contentType)) {
    problem(
      `${path}.content_type`,
      `must be text/csv or application/jsonlines, got ${JSON.stringify(contentType)}`,
    );
  }
  const acceptType = value.accept_type ?? contentType;
  if (typeof acceptType !== "string" || !CONTENT_TYPES.includes(acceptType)) {
    problem(
      `${path}.accept_type`,
      `must be text/csv or application/jsonlines, got ${JSON.stringify(acceptType)}`,
    );
  }
  const selector = (key: "label" | "probability"): string | number | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if ((typeof v === "number" && Number.isInteger(v) && v >= 0) || (typeof v === "string" && v !== ""))
      return v;
    problem(
      `${path}.${key}`,
      `must be a column index or a key of the model's answer, got ${JSON.stringify(v)}`,
    );
    return undefined;
  };
  const label = selector("label");
  const probability = selector("probability");
  let labelHeaders: string[] | undefined;
  if (value.label_headers !== undefined) {
    if (
      Array.isArray(value.label_headers) &&
      value.label_headers.length > 0 &&
      value.label_headers.every((h) => typeof h === "string")
    ) {
      labelHeaders = value.label_headers as string[];
    } else {
      problem(`${path}.label_headers`, "must be a non-empty list of strings");
    }
  }
  const contentTemplate = value.content_template;
  if (
    contentTemplate !== undefined &&
    (typeof contentTemplate !== "string" || !contentTemplate.includes("$features"))
  ) {
    problem(`${path}.content_template`, "must be a string holding $features");
  }
  const text = (key: string): string | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v === "string" && v !== "") return v;
    problem(`${path}.${key}`, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return undefined;
  };
  const targetModel = text("target_model");
  const customAttributes = text("custom_attributes");
  return {
    contentType: contentType as PredictorConfig["contentType"],
    acceptType: acceptType as PredictorConfig["acceptType"],
    ...(label !== undefined && { label }),
    ...(probability !== undefined && { probability }),
    ...(labelHeaders && { labelHeaders }),
    ...(typeof contentTemplate === "string" && { contentTemplate }),
    ...(targetModel !== undefined && { targetModel }),
    ...(customAttributes !== undefined && { customAttributes }),
  };
}

function positiveInteger(value: unknown, path: string, problem: Report): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  problem(path, `must be a positive integer, got ${JSON.stringify(value)}`);
  return undefined;
}

function flag(value: unknown, fallback: boolean, path: string, problem: Report): boolean {
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  problem(path, `must be true or false, got ${JSON.stringify(value)}`);
  return fallback;
}

function columnList(value: unknown, path: string, problem: Report): ColumnRef[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problem(path, "must be a non-empty list of feature names or indexes");
    return undefined;
  }
  const refs: ColumnRef[] = [];
  value.forEach((item, i) => {
    if (
      (typeof item === "string" && item !== "") ||
      (typeof item === "number" && Number.isInteger(item) && item >= 0)
    ) {
      refs.push(item);
    } else {
      problem(`${path}[${i}]`, `must be a feature name or a zero-based index, got ${JSON.stringify(item)}`);
    }
  });
  return refs.length === value.length ? refs : undefined;
}

/**
 * With CSV `headers` the features are known before any data is read (every column but the
 * label, the predicted label and `excluded_columns`), so `validate` can already check that the
 * inline baseline rows are as wide as a feature row and that the features named for SHAP and
 * PDP are features.
 */
export function checkExplainColumns(
  raw: Record<string, unknown>,
  explain: ExplainConfig,
  headers: readonly string[] | undefined,
  problem: Report,
): void {
  if (headers === undefined || raw.dataset_type !== "text/csv") return;
  const left = new Set<string>();
  const leave = (ref: unknown) => {
    if (typeof ref === "string") left.add(ref);
    else if (typeof ref === "number" && headers[ref] !== undefined) left.add(headers[ref] as string);
  };
  leave(raw.label);
  if (raw.predicted_label_dataset_uri === undefined) leave(raw.predicted_label);
  if (Array.isArray(raw.excluded_columns)) raw.excluded_columns.forEach(leave);
  const features = headers.filter((name) => !left.has(name));
  const baseline = explain.shap?.baseline;
  if (baseline && "rows" in baseline) {
    baseline.rows.forEach((row, i) => {
      if (row.length !== features.length) {
        problem(
          `$.methods.shap.baseline[${i}]`,
          `${row.length} values, but the model takes ${features.length} features (${features.join(", ")})`,
        );
      }
    });
  }
  const named = (refs: readonly ColumnRef[] | undefined, path: string) => {
    refs?.forEach((ref, i) => {
      if (typeof ref === "string" && !features.includes(ref)) {
        problem(`${path}[${i}]`, `"${ref}" is not a feature; the features are ${features.join(", ")}`);
      } else if (typeof ref === "number" && ref >= features.length) {
        problem(
          `${path}[${i}]`,
          `feature index ${ref} is out of range: the model takes ${features.length} features`,
        );
      }
    });
  };
  named(explain.shap?.featuresToExplain, "$.methods.shap.features_to_explain");
  named(explain.pdp?.features, "$.methods.pdp.features");
}

/**
 * The config with its SHAP baseline file read from `copy`, the processing job's local copy of
 * an `s3://` baseline (downloaded with the job's credentials, as `dataset_uri` is); messages
 * still name the baseline by its URI. Any other config (no copy, no baseline file) as it is.
 */
export function withBaselineCopy<T extends { readonly shap?: ShapConfig }>(
  config: T,
  copy: string | undefined,
): T {
  const baseline = config.shap?.baseline;
  if (copy === undefined || config.shap === undefined || baseline === undefined || !("uri" in baseline)) {
    return config;
  }
  return { ...config, shap: { ...config.shap, baseline: { uri: baseline.uri, readFrom: copy } } };
}
