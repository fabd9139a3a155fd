/** The S3 URI grammar shared by the Lambda steps, the engine (an `s3://` dataset) and the local runtime. */

/** A parsed `s3://bucket/key` URI. `key` may be empty (the bucket root) or end with `/` (a prefix). */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

// Bucket naming rules (general purpose buckets): 3-63 chars, lowercase letters, digits, dots, hyphens.
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket/key`; returns undefined when `uri` is not a valid S3 URI. */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!match) return undefined;
  const bucket = match[1] ?? "";
  if (!BUCKET_PATTERN.test(bucket)) return undefined;
  return { bucket, key: match[2] ?? "" };
}

/**
 * The first key segment a run may not name, or undefined when every segment is a plain name.
 * `.` and `..` climb out of a prefix wherever keys become file paths (the embedded S3 server,
 * a processing job's download folder), and an empty segment (`a//b`, a leading `/`) names an
 * object other than the one the URI seems to; a trailing `/` only marks a prefix.
 */
export function unsafeKeySegment(key: string): "." | ".." | "" | undefined {
  if (key === "") return undefined;
  const segments = key.split("/");
  if (key.endsWith("/")) segments.pop();
  return segments.find(
    (segment): segment is "." | ".." | "" => segment === "" || segment === "." || segment === "..",
  );
}

/** Formats a location back to `s3://bucket/key`. */
export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** Joins a prefix URI and a relative key, with exactly one `/` between them. */
export function joinS3Uri(prefixUri: string, ...parts: readonly string[]): string {
  let uri = prefixUri;
  for (const part of parts) {
    uri = `${uri.replace(/\/+$/, "")}/${part.replace(/^\/+/, "")}`;
  }
  return uri;
}

/** Ensures a prefix URI ends with `/`. */
export function asPrefixUri(uri: string): string {
  return uri.endsWith("/") ? uri : `${uri}/`;
}
