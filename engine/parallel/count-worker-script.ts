import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The count worker threads' own bundle, which the image's build writes beside the engine's
 * (container/build-bundle.ts): only the count path, without the command line, the AWS SDK and
 * the report. A worker started from it is ready in some 40 ms of CPU where one started from the
 * engine's bundle takes 60 to 85 (compiling that bundle and loading the Node modules it imports),
 * which on two cores is a tenth of a 1,000,000-row count pass (bench:scale).
 */
export const COUNT_WORKER_BUNDLE = "clarify-count-worker.mjs";

/**
 * The script a count worker runs, given the URL of the module that starts it
 * (count-worker-thread.ts): from the sources, that module itself; from a bundle, the count
 * workers' bundle beside it when there is one, else the bundle itself (which holds the worker's
 * code too, so a bundle built without the workers' one still counts on threads).
 */
export function countWorkerScript(moduleUrl: string): URL {
  const module = new URL(moduleUrl);
  if (module.protocol !== "file:" || module.pathname.endsWith(".ts")) return module;
  const sibling = new URL(COUNT_WORKER_BUNDLE, module);
  return existsSync(fileURLToPath(sibling)) ? sibling : module;
}
