/**
 * Writes the Docker build context of the engine's image: container/Dockerfile,
 * clarify-pipeline.mjs (container/entrypoint.ts with everything it imports bundled by esbuild
 * into one ES module: Node 22, no node_modules needed at run time) and clarify-count-worker.mjs
 * (the count worker threads' own, smaller bundle: see engine/parallel/count-worker-script.ts).
 *
 *   node container/build-bundle.ts [outDir]     (npm run build:container; default container/dist)
 *
 * The CDK construct builds the same context at synth for `ClarifyEngine.builtin()`.
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";
import { COUNT_WORKER_BUNDLE, COUNT_WORKER_SHA256_DEFINE } from "../engine/parallel/count-worker-script.ts";

const CONTAINER_DIR = fileURLToPath(new URL(".", import.meta.url));

/** The bundle's file name in the build context; the Dockerfile copies it. */
export const BUNDLE_FILE = "clarify-pipeline.mjs";

/** The count worker threads' entry: their bundle is written beside every engine bundle. */
const COUNT_WORKER_ENTRY = fileURLToPath(
  new URL("../engine/parallel/count-worker-thread.ts", import.meta.url),
);

export interface ContainerContext {
  readonly directory: string;
  readonly bundlePath: string;
  /** The count worker threads' own bundle, beside the engine's (COUNT_WORKER_BUNDLE). */
  readonly countWorkerPath: string;
  readonly dockerfilePath: string;
  readonly bundleBytes: number;
}

/** Builds the context synchronously (a CDK construct builds it while the app is constructed). */
export function buildContainerContextSync(outDir: string): ContainerContext {
  const directory = resolve(outDir);
  mkdirSync(directory, { recursive: true });
  const bundlePath = join(directory, BUNDLE_FILE);
  bundleScriptSync(join(CONTAINER_DIR, "entrypoint.ts"), bundlePath);
  const dockerfilePath = join(directory, "Dockerfile");
  copyFileSync(join(CONTAINER_DIR, "Dockerfile"), dockerfilePath);
  return {
    directory,
    bundlePath,
    countWorkerPath: join(directory, COUNT_WORKER_BUNDLE),
    dockerfilePath,
    bundleBytes: statSync(bundlePath).size,
  };
}

/** Builds the context. */
export async function buildContainerContext(outDir: string): Promise<ContainerContext> {
  return buildContainerContextSync(outDir);
}

/**
 * Bundles an entry point as the image's bundle is built (bench:scale measures the engine as the
 * image runs it), and the count workers' bundle beside it: a count worker started from the
 * engine's bundle loads that small file instead (count-worker-thread.ts). Like entrypoint.ts, the
 * entry must run its command only on the main thread: where the workers' bundle is missing, the
 * bundle itself is their script, as it is the explanation workers'.
 */
export function bundleScriptSync(entryPoint: string, outfile: string): void {
  const workers = join(dirname(outfile), COUNT_WORKER_BUNDLE);
  esbuild().buildSync(bundleOptions(COUNT_WORKER_ENTRY, workers));
  // The engine's bundle names the workers' bundle it was built with by its SHA-256, so that it
  // never starts workers from a stale file (count-worker-script.ts).
  const sha256 = createHash("sha256").update(readFileSync(workers)).digest("hex");
  esbuild().buildSync({
    ...bundleOptions(entryPoint, outfile),
    define: { [COUNT_WORKER_SHA256_DEFINE]: JSON.stringify(sha256) },
  });
}

function bundleOptions(entryPoint: string, bundlePath: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    outfile: bundlePath,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    minify: true,
    legalComments: "none",
    logLevel: "error",
    // A native addon, loaded only when an explanation runs an ONNX model: the image does not carry
    // it (nor any node_modules), so such an analysis fails there naming the module.
    external: ["onnxruntime-node"],
    // Bundled CommonJS dependencies (the AWS SDK's) still call require(); ESM has none without this.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  };
}

/** esbuild (a devDependency) loads only when an image context is built. */
function esbuild(): typeof import("esbuild") {
  return createRequire(import.meta.url)("esbuild");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const context = buildContainerContextSync(process.argv[2] ?? join(CONTAINER_DIR, "dist"));
  process.stdout.write(
    `${context.bundlePath} (${(context.bundleBytes / 1024).toFixed(1)} KiB)\n${context.countWorkerPath}\n${context.dockerfilePath}\nbuild the image: docker build ${context.directory}\n`,
  );
}
