/**
 * Writes the Docker build context of the engine's image: container/Dockerfile,
 * clarify-pipeline.mjs (container/entrypoint.ts with everything it imports bundled by esbuild
 * into one ES module: Node 22, no node_modules needed at run time), and beside it the worker
 * threads' own, smaller bundles: clarify-count-worker.mjs (engine/parallel/count-worker-script.ts)
 * and clarify-explain-worker.mjs (engine/explain/explain-worker-script.ts).
 *
 *   node container/build-bundle.ts [outDir]     (npm run build:container; default container/dist)
 *
 * The CDK construct builds the same context at synth for `ClarifyEngine.builtin()`.
 */
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";
import {
  EXPLAIN_WORKER_BUNDLE,
  EXPLAIN_WORKER_SHA256_DEFINE,
} from "../engine/explain/explain-worker-script.ts";
import { COUNT_WORKER_BUNDLE, COUNT_WORKER_SHA256_DEFINE } from "../engine/parallel/count-worker-script.ts";
import { sha256Hex } from "../engine/parallel/worker-bundle.ts";

const CONTAINER_DIR = fileURLToPath(new URL(".", import.meta.url));

/** The bundle's file name in the build context; the Dockerfile copies it. */
export const BUNDLE_FILE = "clarify-pipeline.mjs";

/**
 * The worker threads' bundles, written beside every engine bundle: each kind's entry (the module
 * that is its workers' script), its file name, and the name under which the engine's bundle is
 * given its SHA-256.
 */
const WORKER_BUNDLES = [
  {
    entry: fileURLToPath(new URL("../engine/parallel/count-worker-thread.ts", import.meta.url)),
    file: COUNT_WORKER_BUNDLE,
    sha256Define: COUNT_WORKER_SHA256_DEFINE,
  },
  {
    entry: fileURLToPath(new URL("../engine/explain/explain-worker.ts", import.meta.url)),
    file: EXPLAIN_WORKER_BUNDLE,
    sha256Define: EXPLAIN_WORKER_SHA256_DEFINE,
  },
] as const;

export interface ContainerContext {
  readonly directory: string;
  readonly bundlePath: string;
  /** The count worker threads' own bundle, beside the engine's (COUNT_WORKER_BUNDLE). */
  readonly countWorkerPath: string;
  /** The explanation worker threads' own bundle, beside the engine's (EXPLAIN_WORKER_BUNDLE). */
  readonly explainWorkerPath: string;
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
    explainWorkerPath: join(directory, EXPLAIN_WORKER_BUNDLE),
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
 * image runs it), and the workers' bundles beside it: a count or explanation worker started from
 * the engine's bundle loads its own small file instead (engine/parallel/worker-bundle.ts). Like
 * entrypoint.ts, the entry must run its command only on the main thread: where a workers' bundle
 * is missing, the bundle itself is their script.
 */
export function bundleScriptSync(entryPoint: string, outfile: string): void {
  const define: Record<string, string> = {};
  for (const worker of WORKER_BUNDLES) {
    const path = join(dirname(outfile), worker.file);
    esbuild().buildSync(bundleOptions(worker.entry, path));
    // The engine's bundle names each workers' bundle it was built with by its SHA-256, so that it
    // never starts workers from a stale file.
    define[worker.sha256Define] = JSON.stringify(sha256Hex(readFileSync(path)));
  }
  esbuild().buildSync({ ...bundleOptions(entryPoint, outfile), define });
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
    `${context.bundlePath} (${(context.bundleBytes / 1024).toFixed(1)} KiB)\n${context.countWorkerPath}\n${context.explainWorkerPath}\n${context.dockerfilePath}\nbuild the image: docker build ${context.directory}\n`,
  );
}
