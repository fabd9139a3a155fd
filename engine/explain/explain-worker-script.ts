import { workerBundleScript } from "../parallel/worker-bundle.ts";

/**
 * The explanation worker threads' own bundle, which the image's build writes beside the engine's
 * (container/build-bundle.ts): only what such a worker runs (opening the model, Kernel SHAP's
 * and PDP's blocks), without the command line, the count path, the S3 client and the report.
 */
export const EXPLAIN_WORKER_BUNDLE = "clarify-explain-worker.mjs";

/** The name the build defines (container/build-bundle.ts) for `explainWorkerScript`'s check. */
export const EXPLAIN_WORKER_SHA256_DEFINE = "CLARIFY_EXPLAIN_WORKER_SHA256";

/**
 * The SHA-256 of the explanation workers' bundle built with the engine's bundle: the build
 * defines it in the engine's bundle (esbuild `define`, EXPLAIN_WORKER_SHA256_DEFINE); in the
 * sources it is not defined.
 */
declare const CLARIFY_EXPLAIN_WORKER_SHA256: string;
const BUILT_WITH =
  typeof CLARIFY_EXPLAIN_WORKER_SHA256 === "string" ? CLARIFY_EXPLAIN_WORKER_SHA256 : undefined;

/**
 * The script an explanation worker runs, given the URL of the module that holds its code
 * (explain-worker.ts): from the sources, that module itself; from a bundle, the explanation
 * workers' bundle beside it when it is the one built with this bundle (`builtWith`), else the
 * bundle itself (parallel/worker-bundle.ts).
 */
export function explainWorkerScript(moduleUrl: string, builtWith: string | undefined = BUILT_WITH): URL {
  return workerBundleScript(moduleUrl, EXPLAIN_WORKER_BUNDLE, builtWith);
}
