import { stat } from "node:fs/promises";
import { CliError } from "./cli-error.ts";

/**
 * Refuses an `--out` that names an existing file before any work starts (it would fail at the
 * end, with the operating system's ENOTDIR or EEXIST); `what` says what the folder receives.
 */
export async function checkOutFolder(path: string | undefined, what: string): Promise<void> {
  if (path === undefined) return;
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new CliError(
      `--out ${path} is an existing file; --out names a folder (new or existing) that receives ${what}`,
    );
  }
}
