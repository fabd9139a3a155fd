/**
 * Where to write the failure record. After ValidateConfig the run knows its folder;
 * when ValidateConfig itself failed, the folder is derived from the raw execution input as
 * best it can be. Either way it must lie below the deployment's output prefix, the only place
 * the function may write: otherwise the record goes to the deployment's own prefix.
 */

import { isRecord } from "../../contracts/is-record.ts";
import type { ExecutionInfo } from "../../contracts/pipeline-state.ts";
import { asPrefixUri, formatS3Uri, parseS3Uri } from "../../contracts/s3-uri.ts";
import { isWithinOutputPrefix } from "../shared/output-prefix.ts";
import { runIdFor } from "../shared/run-id.ts";
import type { DeploymentSettings } from "../shared/settings.ts";

/** The run folder URI (ending with `/`), or undefined when none can be trusted. */
export function failureRunUri(
  state: Record<string, unknown>,
  rawInput: unknown,
  execution: ExecutionInfo,
  settings: DeploymentSettings,
): string | undefined {
  // `run` is ValidateConfig's result only when ValidateConfig succeeded.
  const failure = state.failure as { ValidateConfig?: unknown } | undefined;
  const validated = failure?.ValidateConfig === undefined;
  const run = state.run as { runUri?: unknown } | undefined;
  if (validated && typeof run?.runUri === "string" && isWithinOutputPrefix(run.runUri, settings))
    return asPrefixUri(run.runUri);

  // The raw input may be any JSON value; only its own outputUri and runName are used, and only when safe.
  const input = isRecord(rawInput) ? rawInput : {};
  const outputUri =
    typeof input.outputUri === "string" && isWithinOutputPrefix(input.outputUri, settings)
      ? input.outputUri
      : settings.defaultOutputUri;
  const runName = typeof input.runName === "string" ? input.runName : undefined;
  return runFolderBelow(outputUri, runName, execution);
}

/** The run folder in the deployment's own prefix: where a record goes when the run's location cannot be written. */
export function fallbackRunUri(
  rawInput: unknown,
  execution: ExecutionInfo,
  settings: DeploymentSettings,
): string | undefined {
  const input = isRecord(rawInput) ? rawInput : {};
  const runName = typeof input.runName === "string" ? input.runName : undefined;
  return runFolderBelow(settings.defaultOutputUri, runName, execution);
}

function runFolderBelow(outputUri: string, runName: string | undefined, execution: ExecutionInfo) {
  const base = parseS3Uri(asPrefixUri(outputUri));
  if (!base) return undefined;
  const runId = runIdFor(runName, execution.name || "unnamed-execution");
  return formatS3Uri({ bucket: base.bucket, key: `${base.key}${runId}/` });
}
