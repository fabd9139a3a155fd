import type { DeploymentSettings } from "../../shared/settings.ts";
import type { Problems } from "../problems.ts";
import type { RunDraft } from "../run-input.ts";

/** What the static rules know besides the input. */
export interface RuleContext {
  readonly settings: DeploymentSettings;
  /** The confused-deputy guard; off only for offline validation without `--allowed-buckets`. */
  readonly enforceAllowedBuckets: boolean;
  /**
   * The run folder must lie below `settings.defaultOutputUri`, the only place the deployment's
   * roles may write. On for the Lambda and local runs; off offline, where the prefix is unknown.
   * @default false
   */
  readonly enforceOutputPrefix?: boolean;
  /** Offline local mode: `analysisConfigUri` and `dataset.uri` may be local file paths. */
  readonly allowLocalPaths: boolean;
}

/** One static rule: adds a problem per broken constraint, never throws. */
export type Rule = (draft: RunDraft, context: RuleContext, problems: Problems) => void;
