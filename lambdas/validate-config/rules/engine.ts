/**
 * What the deployment's engine can run. The Clarify image keeps every rule of a Clarify job; a
 * deployment of the builtin engine (the project's own image) accepts only that image and the
 * analyses that image computes in a processing job, and says so before any job (what a job of
 * several instances cannot compute: rules/multi-instance.ts).
 */
import type { ConfigProblem } from "../../../engine/config/analysis-config.ts";
import { unsupportedByEngine } from "../../../engine/config/parse-analysis-config.ts";
import type { EngineKind } from "../../shared/settings.ts";

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
