/**
 * Writes the Docker build context of the engine's image: container/Dockerfile and
 * clarify-pipeline.mjs, container/entrypoint.ts with everything it imports bundled by esbuild
 * into one ES module (Node 22, no node_modules needed at run time).
 *
 *   node container/build-bundle.ts [outDir]     (npm run build:container; default container/dist)
 */
import { copyFile, mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const CONTAINER_DIR = fileURLToPath(new URL(".", import.meta.url));

/** The bundle's file name in the build context; the Dockerfile copies it. */
export const BUNDLE_FILE = "clarify-pipeline.mjs";

export interface ContainerContext {
  readonly directory: string;
  readonly bundlePath: string;
  readonly dockerfilePath: string;
  readonly bundleBytes: number;
}

export async function buildContainerContext(outDir: string): Promise<ContainerContext> {
  const directory = resolve(outDir);
  await mkdir(directory, { recursive: true });
  const bundlePath = join(directory, BUNDLE_FILE);
  await build({
    entryPoints: [join(CONTAINER_DIR, "entrypoint.ts")],
    outfile: bundlePath,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    minify: true,
    legalComments: "none",
    // A native addon, loaded only when an explanation runs an ONNX model: the image does not carry
    // it (nor any node_modules), so such an analysis fails there naming the module.
    external: ["onnxruntime-node"],
    logLevel: "error",
    // Bundled CommonJS dependencies (the AWS SDK's) still call require(); ESM has none without this.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const dockerfilePath = join(directory, "Dockerfile");
  await copyFile(join(CONTAINER_DIR, "Dockerfile"), dockerfilePath);
  return { directory, bundlePath, dockerfilePath, bundleBytes: (await stat(bundlePath)).size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const context = await buildContainerContext(process.argv[2] ?? join(CONTAINER_DIR, "dist"));
  process.stdout.write(
    `${context.bundlePath} (${(context.bundleBytes / 1024).toFixed(1)} KiB)\n${context.dockerfilePath}\nbuild the image: docker build ${context.directory}\n`,
  );
}
