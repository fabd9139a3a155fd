/**
 * `run --local` stages run.json's local files under internal `s3://local-inputs/<execution>/...`
 * keys; messages about them (a missing column, a file Clarify cannot read, a job's failure)
 * name those keys. Mapped back, the user reads the paths they wrote in run.json instead.
 */
import type { StagedLocalPath } from "./stage-local-files.ts";

/** Characters that end a URI inside a message (whitespace, quotes, closing brackets, commas, semicolons). */
const URI_END = "[^\\s\"'`()\\[\\],;]*";

/** `text` with every staged URI (and every key under a staged folder) replaced by the user's path. */
export function userPathsIn(text: string, staged: readonly StagedLocalPath[]): string {
  // Longest first, so a folder prefix never cuts into a longer staged URI.
  const byLength = [...staged].sort((a, b) => b.uri.length - a.uri.length);
  let result = text;
  for (const { uri, localPath } of byLength) {
    if (!uri.endsWith("/")) {
      result = result.split(uri).join(localPath);
      continue;
    }
    const folder = localPath.replace(/[\\/]+$/, "");
    result = result.replace(new RegExp(`${escapeRegExp(uri)}(${URI_END})`, "g"), (_match, rest: string) =>
      rest === "" ? `${folder}/` : `${folder}/${rest}`,
    );
  }
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
