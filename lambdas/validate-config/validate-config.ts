/** The validate-config step's core: every static rule, then the S3 pre-flight, then the normalised run. */
import type { S3Client } from "@aws-sdk/client-s3";
import type { NormalizedRun, ValidateConfigEvent } from "../../contracts/pipeline-state.ts";
import { parseS3Uri } from "../../contracts/s3-uri.ts";
import { ConfigValidationError } from "../shared/errors.ts";
import type { DeploymentSettings } from "../shared/settings.ts";
import { normalizeRun } from "./normalize.ts";
import { runPreflight } from "./preflight.ts";
import { isRecord } from "./problems.ts";
import { bucketFields, checkBucketRegions } from "./rules/bucket-region.ts";
import type { RuleContext } from "./rules/context.ts";
import { bucketRegions, s3SourceReader } from "./s3-reader.ts";
import { runStaticRules } from "./static-rules.ts";

export interface ValidateConfigDeps {
  readonly s3: S3Client;
  readonly settings: DeploymentSettings;
}

/**
 * Validates a run input and returns it normalised. Throws ConfigValidationError listing
 * every problem found; the pre-flight reads S3 only once the static rules pass, so a
 * run never makes the function touch a bucket the deployment does not allow.
 */
/** The rules as a deployment applies them: allowed buckets, the output prefix, S3 URIs only. */
export function deployedRuleContext(settings: DeploymentSettings): RuleContext {
  return { settings, enforceAllowedBuckets: true, enforceOutputPrefix: true, allowLocalPaths: false };
}

export async function validateConfig(
  event: ValidateConfigEvent,
  deps: ValidateConfigDeps,
): Promise<NormalizedRun> {
  const executionName = isRecord(event?.execution) ? event.execution.name : undefined;
  if (typeof executionName !== "string" || executionName === "") {
    throw new ConfigValidationError([
      { path: "$$.Execution.Name", message: "the execution name is missing from the event" },
    ]);
  }
  const context = deployedRuleContext(deps.settings);
  const { draft, problems } = runStaticRules(event.input, context);
  if (!draft || !problems.isEmpty) throw new ConfigValidationError(problems.list);

  const configETags = new Map<string, string>();
  await runPreflight(
    draft,
    context,
    s3SourceReader(deps.s3, deps.settings.allowedBuckets, configETags),
    problems,
  );
  const fields = bucketFields(draft);
  const buckets = fields.map((field) => parseS3Uri(String(field.value))?.bucket ?? "");
  checkBucketRegions(fields, await bucketRegions(deps.s3, buckets), deps.settings.region, problems);
  if (!problems.isEmpty) throw new ConfigValidationError(problems.list);

  return withConfigETag(normalizeRun(draft, deps.settings, executionName), configETags);
}

/** Records which version of the analysis config was validated, so staging copies that one or none. */
function withConfigETag(run: NormalizedRun, configETags: ReadonlyMap<string, string>): NormalizedRun {
  if (!("s3Uri" in run.analysisConfig)) return run;
  const eTag = configETags.get(run.analysisConfig.s3Uri);
  return eTag ? { ...run, analysisConfig: { ...run.analysisConfig, eTag } } : run;
}
