import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";
import { childPath, forEachString, isRecord, type Problems, show } from "../problems.ts";
import type { RunDraft } from "../run-input.ts";
import type { Rule, RuleContext } from "./context.ts";
import { engineLimits } from "./engine.ts";
import { checkGatesHaveBias } from "./gates.ts";
import { multiInstanceProblems } from "./multi-instance.ts";
import { checkS3Uri } from "./s3-locations.ts";

export { ANALYSIS_METHODS, DATASET_TYPES } from "../../../engine/config/parse-analysis-config.ts";

/** Top-level keys that must be S3 URIs of data the job reads. */
export const DATA_URI_KEYS = ["dataset_uri", "predicted_label_dataset_uri"] as const;

/** Rule form: the inline analysis config of run.json. */
export const checkInlineAnalysisConfig: Rule = (draft, context, problems) => {
  if (!draft.analysisConfig) return;
  checkAnalysisConfig(draft.analysisConfig.value, draft.analysisConfig.path, draft, context, problems);
  checkGatesHaveBias(draft.gates, draft.analysisConfig.value, problems);
};

/**
 * Checks a Clarify analysis_config.json (inline or read from S3) found at `path`: the S3
 * locations it names against the deployment, and every other rule through the one
 * analysis-config parser the engine uses too (engine/config/parse-analysis-config.ts), and what
 * the deployment's engine cannot compute in the draft's job (its engine, its instance count).
 */
export function checkAnalysisConfig(
  config: unknown,
  path: string,
  draft: RunDraft,
  context: RuleContext,
  problems: Problems,
): void {
  if (!isRecord(config)) {
    problems.add(path, `${show(config)} is not an object; the analysis configuration must be a JSON object`);
    return;
  }
  const at = (key: string) => childPath(path, key);
  for (const key of DATA_URI_KEYS) {
    if (Object.hasOwn(config, key))
      checkS3Uri({ value: config[key], path: at(key) }, context, problems, { what: key });
  }
  checkNestedS3Uris(config, path, context, problems);
  // The limits of the engine the deployment runs (the Clarify image, or the builtin engine) are problems here.
  for (const problem of [
    ...parseAnalysisConfig(config).problems,
    ...engineLimits(config, context.settings.engine),
    ...multiInstanceProblems(config, draft, context.settings),
  ]) {
    // The parser locates from the config's root `$`; here the config sits at `path`.
    problems.add(`${path}${problem.path.slice(1)}`, problem.message);
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
