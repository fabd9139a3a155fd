import { asPrefixUri, parseS3Uri, unsafeKeySegment } from "../../../contracts/s3-uri.ts";
import { isWithinOutputPrefix } from "../../shared/output-prefix.ts";
import { forEachString, type Located, type Problems, show } from "../problems.ts";
import type { Rule, RuleContext } from "./context.ts";

/** What an S3 URI field is for, to word its messages. */
export interface S3UriOptions {
  readonly what: string;
  /** Offline local mode may give a local file path instead. */
  readonly localPathAllowed?: boolean;
}

export function isLocalPath(value: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/**
 * A valid `s3://bucket/key` URI whose bucket the deployment allows (the confused-deputy
 * guard: the job role must never be steered at someone else's bucket), with a key of plain
 * segments (no `.`, `..` or empty ones, which could climb out of a run's folders). Returns
 * whether valid.
 */
export function checkS3Uri(
  field: Located,
  context: RuleContext,
  problems: Problems,
  options: S3UriOptions,
): boolean {
  const { value, path } = field;
  if (typeof value !== "string" || value === "") {
    problems.add(path, `${show(value)} is not a string; ${options.what} must be an s3:// URI`);
    return false;
  }
  if (options.localPathAllowed && context.allowLocalPaths && isLocalPath(value)) return true;
  const location = parseS3Uri(value);
  if (!location) {
    problems.add(path, `${show(value)} is not an S3 URI; ${options.what} must look like s3://bucket/key`);
    return false;
  }
  const segment = unsafeKeySegment(location.key);
  if (segment !== undefined) {
    const which = segment === "" ? "an empty segment (// or a leading /)" : `a "${segment}" segment`;
    problems.add(
      path,
      `${show(value)} has ${which} in its key; ${options.what} may not use ".", ".." or empty path segments (name the object or prefix directly)`,
    );
    return false;
  }
  if (context.enforceAllowedBuckets && !context.settings.allowedBuckets.includes(location.bucket)) {
    problems.add(
      path,
      `bucket "${location.bucket}" is not allowed for this deployment (allowed: ${context.settings.allowedBuckets.join(", ") || "none"}); ask the deployer to add it`,
    );
    return false;
  }
  return true;
}

/** The analysis config comes from exactly one place (request form: the analysis_config input). */
export const checkAnalysisConfigSource: Rule = (draft, context, problems) => {
  if (draft.form !== "run") return;
  if (draft.analysisConfig && draft.analysisConfigUri) {
    problems.add("$.analysisConfigUri", "give either analysisConfig (inline) or analysisConfigUri, not both");
  } else if (!draft.analysisConfig && !draft.analysisConfigUri) {
    problems.add(
      "$.analysisConfig",
      "the analysis configuration is required: give analysisConfig (inline) or analysisConfigUri",
    );
  }
  if (draft.analysisConfigUri) {
    checkS3Uri(draft.analysisConfigUri, context, problems, {
      what: "analysisConfigUri",
      localPathAllowed: true,
    });
  }
};

export const checkDatasetUri: Rule = (draft, context, problems) => {
  if (draft.datasetUri && draft.form === "run") {
    checkS3Uri(draft.datasetUri, context, problems, { what: "the dataset URI", localPathAllowed: true });
  }
};

/** The output is a prefix the run folder goes under, never an object key such as `.../analysis.json`. */
export const checkOutputUri: Rule = (draft, context, problems) => {
  const field = draft.outputUri;
  if (!field || draft.form !== "run") return;
  if (!checkS3Uri(field, context, problems, { what: "outputUri" })) return;
  checkIsPrefix(field, problems);
};

/**
 * The run folder goes where the deployment can write: below its output prefix. Elsewhere, even
 * in a bucket a run may read, the staging copies, the job's results and the failure record
 * would all be denied. (A bucket that is not allowed at all is reported by the bucket rule.)
 */
export const checkOutputWritable: Rule = (draft, context, problems) => {
  const field = draft.outputUri;
  if (!field || !context.enforceOutputPrefix || typeof field.value !== "string") return;
  const location = parseS3Uri(field.value);
  if (!location || !context.settings.allowedBuckets.includes(location.bucket)) return;
  // `.`, `..` and empty segments have a rule of their own.
  if (unsafeKeySegment(location.key) !== undefined) return;
  if (isWithinOutputPrefix(field.value, context.settings)) return;
  const prefix = asPrefixUri(context.settings.defaultOutputUri);
  problems.add(
    field.path,
    `${show(field.value)} is not below the deployment's output prefix ${prefix}, the only place the pipeline may write; use ${prefix} or a prefix below it, or leave it out`,
  );
};

export function checkIsPrefix(field: Located & { value: unknown }, problems: Problems): void {
  const key = parseS3Uri(String(field.value))?.key ?? "";
  const last = key.split("/").at(-1) ?? "";
  if (last !== "" && /\.(json|csv|jsonl|parquet|txt|html|ipynb|pdf|gz|zip)$/i.test(last)) {
    problems.add(
      field.path,
      `${show(field.value)} names an object; the output must be an S3 prefix such as s3://bucket/clarify-runs/`,
    );
  }
}

/** Request form: every S3 URI anywhere in the raw request is checked, whatever input it belongs to. */
export const checkRequestS3Uris: Rule = (draft, context, problems) => {
  if (!draft.request) return;
  forEachString(draft.request.value, draft.request.path, "", (text, path, key) => {
    if (key === "S3Uri" || text.startsWith("s3://"))
      checkS3Uri({ value: text, path }, context, problems, { what: key });
  });
};
