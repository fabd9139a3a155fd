/**
 * What the deployment's engine can run. The Clarify image keeps every rule of a Clarify job; a
 * deployment of the builtin engine (the project's own image) accepts only that image, one
 * instance, and the analyses that image computes in a processing job, and says so before any job.
 */
import type { ConfigProblem } from "../../../engine/config/analysis-config.ts";
import { unsupportedByEngine } from "../../../engine/config/parse-analysis-config.ts";
import type { EngineKind } from "../../shared/settings.ts";
import type { Rule } from "./context.ts";

const ON_CLARIFY = "deploy with ClarifyEngine.clarify() (an account with Clarify access) to run it";

/** The analyses of a config the engine cannot compute, located from the config's root `$`. */
export function engineLimits(
  config: Record<string, unknown>,
  engine: EngineKind = "clarify",
): ConfigProblem[] {
  if (engine === "clarify") return unsupportedByEngine(config, "clarify-image");
  // The job calls the predictor's endpoint (or a shadow endpoint for its model) as Clarify does.
  return unsupportedByEngine(config, "builtin-image").map((limit) => ({
    path: limit.path,
    message: `the builtin engine this deployment runs cannot compute this (${limit.message.replace(/: run this analysis on AWS.*$/, "")}); ${ON_CLARIFY}`,
  }));
}

/** The builtin engine analyses the whole dataset on every host: more instances would only cost more. */
export const checkEngineInstanceCount: Rule = (draft, context, problems) => {
  const field = draft.job.instanceCount;
  if (context.settings.engine !== "builtin" || !field) return;
  if (typeof field.value === "number" && field.value > 1) {
    problems.add(
      field.path,
      `${field.value} instances: the builtin engine runs on one instance (it does not split a dataset across instances yet, so each would analyse all of it); use 1`,
    );
  }
};
