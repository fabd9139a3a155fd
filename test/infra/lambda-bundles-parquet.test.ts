/**
 * The Parquet reader stays out of the Lambda bundles: validate-config carries hyparquet's footer
 * parser only (its pre-flight reads column names from the footer), the other steps none of it.
 * Bundled as the construct bundles them (esbuild, node, ESM, minified).
 */
import { describe, expect, it } from "vitest";
import { lambdaBundle } from "../support/lambda-bundle.ts";

/** The hyparquet modules a Lambda's bundle holds, with their bytes in the output. */
async function parquetModules(lambda: string): Promise<Record<string, number>> {
  const modules: Record<string, number> = {};
  for (const [path, input] of Object.entries((await lambdaBundle(lambda)).inputs)) {
    const match = /node_modules\/(hyparquet[^/]*\/.*)$/.exec(path);
    if (match?.[1]) modules[match[1]] = input.bytesInOutput;
  }
  return modules;
}

describe("Lambda bundles and the Parquet reader", () => {
  it.each(["stage-inputs", "collect-results"])("%s holds no Parquet code", async (lambda) => {
    // Prepare / Act
    const modules = await parquetModules(lambda);
    // Assess
    expect(modules).toEqual({});
  });

  it("validate-config holds the footer parser and none of the page decoders", async () => {
    // Prepare / Act
    const modules = await parquetModules("validate-config");
    const names = Object.keys(modules);
    // Assess
    expect(names).toContain("hyparquet/src/metadata.js");
    expect(names).not.toContain("hyparquet/src/column.js");
    expect(names).not.toContain("hyparquet/src/datapage.js");
    expect(names.some((name) => name.startsWith("hyparquet-compressors"))).toBe(false);
    expect(Object.values(modules).reduce((sum, bytes) => sum + bytes, 0)).toBeLessThan(16 * 1024);
  });
});
