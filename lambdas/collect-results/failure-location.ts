/**
 * Where to write the failure record. After ValidateConfig the run knows its folder;
 * when ValidateConfig itself failed, the folder is derived from the raw input as best
 * it can be, and never outside an allowed output prefix.
 */
import type { ExecutionInfo } from "../shared/contracts.ts";
import { runIdFor } from "../shared/run-id.ts";
import { asPrefixUri, formatS3Uri, parseS3Uri, unsafeKeySegment } from "../shared/s3-uri.ts";
import type { DeploymentSettings } from "../shared/settings.ts";

/** The run folder URI (ending with `/`), or undefined when none can be trusted. */
export function failureRunUri(
  state: Record<string, unknown>,
  execution: ExecutionInfo,
  settings: DeploymentSettings,
): string | undefined {
  // `run` is ValidateConfig's result only when ValidateConfig succeeded; when it failed,
  // `run` (if any) came from the raw input and could name another run's folder.
  const failure = state.failure as { ValidateConfig?: unknown } | undefined;
  const validated = failure?.ValidateConfig === undefined;
  const run = state.run as { runUri?: unknown } | undefined;
  if (validated && typeof run?.runUri === "string" && isSafePrefix(run.runUri, settings))
    return asPrefixUri(run.runUri);

  const outputUri =
    typeof state.outputUri === "string" && isSafePrefix(state.outputUri, settings)
      ? state.outputUri
      : settings.defaultOutputUri;
  const base = parseS3Uri(asPrefixUri(outputUri));
  if (!base) return undefined;
  const runName = typeof state.runName === "string" ? state.runName : undefined;
  const runId = runIdFor(runName, execution.name || "unnamed-execution");
  return formatS3Uri({ bucket: base.bucket, key: `${base.key}${runId}/` });
}

/** An S3 URI in an allowed bucket whose key cannot climb out of its prefix. */
function isSafePrefix(uri: string, settings: DeploymentSettings): boolean {
  const location = parseS3Uri(uri);
  if (!location || !settings.allowedBuckets.includes(location.bucket)) return false;
  return unsafeKeySegment(location.key) === undefined;
}
