/**
 * The run folder's report.html names the dataset's files as the job saw them: `input/data/...`,
 * the container's paths under /opt/ml/processing (analysis_context.json, the engine's contract).
 * A local run's user wrote another name in run.json, so the report copied into the run folder
 * is rewritten to say it; the copy in the run's S3 folder and analysis_context.json keep the
 * container's names.
 */
import { escapeHtml } from "../engine/report/html-escape.ts";
import type { StagedLocalPath } from "./stage-local-files.ts";

/** Not inside a longer path: `/opt/ml/processing/input/data/...` is left as it is. */
const STARTS_PATH = "(?<![\\w./-])";

/** `html` with the container paths of a local dataset's files replaced by the user's path. */
export function reportWithUserPaths(html: string, staged: readonly StagedLocalPath[]): string {
  const dataset = staged.find((path) => path.field === "$.dataset.uri");
  if (dataset === undefined) return html;
  // StageInputs copies the dataset relative to its URI's last `/` and SageMaker downloads it
  // under input/data/ the same way: a folder's files keep their relative paths below it, and
  // a single file its name.
  if (dataset.uri.endsWith("/")) {
    const folder = `${escapeHtml(dataset.localPath.replace(/[\\/]+$/, ""))}/`;
    return html.replace(new RegExp(`${STARTS_PATH}input/data/`, "g"), () => folder);
  }
  const name = dataset.uri.slice(dataset.uri.lastIndexOf("/") + 1);
  const container = escapeRegExp(escapeHtml(`input/data/${name}`));
  const user = escapeHtml(dataset.localPath);
  return html.replace(new RegExp(`${STARTS_PATH}${container}(?![\\w.-])`, "g"), () => user);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
