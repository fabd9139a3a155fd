/**
 * A Lambda step's bundle as the construct builds it (esbuild, node, ESM, minified, the AWS SDK
 * left out: the runtime provides it), with esbuild's metafile, for tests of what a bundle holds.
 */
import { join } from "node:path";
import { build, type Metafile } from "esbuild";

const REPO = join(import.meta.dirname, "..", "..");

/** The one output of `lambdas/<name>/index.ts`'s bundle: its inputs (with their bytes) and imports. */
export async function lambdaBundle(name: string): Promise<Metafile["outputs"][string]> {
  const result = await build({
    entryPoints: [join(REPO, "lambdas", name, "index.ts")],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node22",
    external: ["@aws-sdk/*"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = Object.values(result.metafile.outputs)[0];
  if (!output) throw new Error(`esbuild wrote no bundle for lambdas/${name}`);
  return output;
}
