/**
 * Writes the Docker build context of the engine's image: container/Dockerfile and
 * clarify-pipeline.mjs, container/entrypoint.ts with everything it imports bundled by esbuild
 * into one ES module (Node 22, no node_modules needed at run time).
 *
 *   node container/build-bundle.ts [outDir]     (npm run build:container; default container/dist)
 *
 * The CDK construct builds the same context at synth for `ClarifyEngine.builtin()`.
 */
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";

const CONTAINER_DIR = fileURLToPath(new URL(".", import.meta.url));

/** The bundle's file name in the build context; the Dockerfile copies it. */
export const BUNDLE_FILE = "clarify-pipeline.mjs";

export interface ContainerContext {
  readonly directory: string;
  readonly bundlePath: string;
  readonly dockerfilePath: string;
  readonly bundleBytes: number;
}

/** Builds the context synchronously (a CDK construct builds it while the app is constructed). */
export function buildContainerContextSync(outDir: string): ContainerContext {
  const directory = resolve(outDir);
  mkdirSync(directory, { recursive: true });
  const bundlePath = join(directory, BUNDLE_FILE);
  esbuild().buildSync(bundleOptions(join(CONTAINER_DIR, "entrypoint.ts"), bundlePath));
  const dockerfilePath = join(directory, "Dockerfile");
  copyFileSync(join(CONTAINER_DIR, "Dockerfile"), dockerfilePath);
  return { directory, bundlePath, dockerfilePath, bundleBytes: statSync(bundlePath).size };
}

/** Builds the context. */
export async function buildContainerContext(outDir: string): Promise<ContainerContext> {
  return buildContainerContextSync(outDir);
}

/**
 * Bundles another entry point as the image's bundle is built (bench:scale measures the engine as
 * the image runs it). Like entrypoint.ts, the entry must run its command only on the main thread:
 * the bundle is also the script of the count worker threads.
 */
export function bundleScriptSync(entryPoint: string, outfile: string): void {
  esbuild().buildSync(bundleOptions(entryPoint, outfile));
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
    `${context.bundlePath} (${(context.bundleBytes / 1024).toFixed(1)} KiB)\n${context.dockerfilePath}\nbuild the image: docker build ${context.directory}\n`,
  );
}
