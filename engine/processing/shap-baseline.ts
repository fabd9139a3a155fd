/**
 * A SHAP baseline given as an `s3://` file (`methods.shap.baseline`), which Clarify's container
 * reads from S3: the processing job downloads it with the job's credentials, as it reads
 * `dataset_uri`, onto every host that explains (one instance, or each host of several whose
 * shard holds a row, which all need the whole baseline; an idle host downloads nothing), and
 * the engine reads that copy (config/explain-config.ts,
 * `withBaselineCopy`). ValidateConfig has checked that its bucket is one the deployment allows.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../../contracts/is-record.ts";
import { EngineInputError } from "../errors.ts";

/** The `s3://` baseline file the raw config names, if any. */
export function s3Baseline(config: Record<string, unknown>): string | undefined {
  const methods = isRecord(config.methods) ? config.methods : {};
  const shap = isRecord(methods.shap) ? methods.shap : {};
  return typeof shap.baseline === "string" && /^s3:\/\//i.test(shap.baseline) ? shap.baseline : undefined;
}

/**
 * Downloads the config's `s3://` baseline file into `folder`; its local path, or undefined when
 * the config names none.
 *
 * @throws EngineInputError the URI names no object (or a prefix of several), or cannot be read
 */
export async function downloadShapBaseline(
  config: Record<string, unknown>,
  s3: () => Promise<S3Client>,
  folder: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const uri = s3Baseline(config);
  if (uri === undefined) return undefined;
  const field = "$.methods.shap.baseline";
  const { downloadS3Dataset } = await import("./s3-dataset.ts");
  let downloaded: { path: string };
  try {
    downloaded = await downloadS3Dataset(
      await s3(),
      uri,
      folder,
      field,
      "a baseline is one CSV file, named by its own key",
    );
  } catch (error) {
    if (error instanceof EngineInputError) throw error;
    const { name, message } = error as Error;
    throw new EngineInputError(`${field} ${uri} cannot be read: ${name}: ${message}`);
  }
  log(`SHAP baseline: ${uri}`);
  return downloaded.path;
}
