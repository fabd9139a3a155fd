/**
 * Where a deployment can write. The step functions and the default job role may write only
 * below the deployment's run-folder prefix (`defaultOutputUri`, e.g. `s3://artifacts/clarify-runs/`):
 * a run folder anywhere else validates, then fails to be written, and its failure record with it.
 */
import { asPrefixUri, parseS3Uri, unsafeKeySegment } from "../../contracts/s3-uri.ts";
import type { DeploymentSettings } from "./settings.ts";

/** Whether `uri` is the output prefix itself or a prefix below it, with no `.`, `..` or empty key segment. */
export function isWithinOutputPrefix(
  uri: string,
  settings: Pick<DeploymentSettings, "defaultOutputUri">,
): boolean {
  const location = parseS3Uri(uri);
  const allowed = parseS3Uri(asPrefixUri(settings.defaultOutputUri));
  if (!location || !allowed || location.bucket !== allowed.bucket) return false;
  if (unsafeKeySegment(location.key) !== undefined) return false;
  return asPrefixUri(location.key).startsWith(allowed.key) || allowed.key === "";
}
