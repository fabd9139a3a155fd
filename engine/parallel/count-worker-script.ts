import { workerBundleScript } from "./worker-bundle.ts";

/**
 * The count worker threads' own bundle, which the image's build writes beside the engine's
 * (container/build-bundle.ts): only the count path, without the command line, the AWS SDK and
 * the report. A worker started from it loads its script in about 30 ms of CPU on an idle core,
 * where one started from the engine's bundle takes about 80 (compiling that bundle and loading
 * the Node modules it imports: bench:scale prints both).
 */
export const COUNT_WORKER_BUNDLE = "clarify-count-worker.mjs";

/** The name the build defines (container/build-bundle.ts) for `countWorkerScript`'s check. */
export const COUNT_WORKER_SHA256_DEFINE = "CLARIFY_COUNT_WORKER_SHA256";

/**
 * The SHA-256 of the count workers' bundle built with the engine's bundle: the build defines it
 * in the engine's bundle (esbuild `define`, COUNT_WORKER_SHA256_DEFINE); in the sources it is
 * not defined.
 */
declare const CLARIFY_COUNT_WORKER_SHA256: string;
const BUILT_WITH = typeof CLARIFY_COUNT_WORKER_SHA256 === "string" ? CLARIFY_COUNT_WORKER_SHA256 : undefined;

/**
 * The script a count worker runs, given the URL of the module that starts it
 * (count-worker-thread.ts): from the sources, that module itself; from a bundle, the count
 * workers' bundle beside it when it is the one built with this bundle (`builtWith`), else the
 * bundle itself (worker-bundle.ts).
 */
export function countWorkerScript(moduleUrl: string, builtWith: string | undefined = BUILT_WITH): URL {
  return workerBundleScript(moduleUrl, COUNT_WORKER_BUNDLE, builtWith);
}
