import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * A worker thread's own bundle beside the engine's bundle: the image's build
 * (container/build-bundle.ts) writes, beside the engine's bundle, one small bundle per kind of
 * worker thread (count-worker-script.ts, explain/explain-worker-script.ts) holding only the code
 * such a worker runs, and defines the SHA-256 of each in the engine's bundle. A worker started
 * from its own bundle loads it in a fraction of the time the engine's whole bundle takes.
 */

/** The SHA-256 of a file's bytes, hex: how the engine's bundle names a worker bundle it was built with. */
export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The script a worker runs, given the URL of the module that holds its code and the file name
 * of its bundle: from the sources, that module itself; from a bundle, the worker bundle `file`
 * beside it when it is the one built with this bundle (its SHA-256 is `builtWith`), else the
 * bundle itself, which holds the worker's code too. So a worker never runs code of another build
 * (a stale file would compute by other rules), and a bundle built without the worker bundle
 * still runs its workers.
 */
export function workerBundleScript(moduleUrl: string, file: string, builtWith: string | undefined): URL {
  const module = new URL(moduleUrl);
  if (module.protocol !== "file:" || module.pathname.endsWith(".ts") || builtWith === undefined)
    return module;
  const sibling = new URL(file, module);
  const path = fileURLToPath(sibling);
  if (!existsSync(path)) return module;
  return sha256Hex(readFileSync(path)) === builtWith ? sibling : module;
}
