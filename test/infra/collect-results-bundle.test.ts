/**
 * CollectResults merges a multi-instance job's partial counts with the engine's pure modules
 * only: its bundle (built as the construct bundles it: esbuild, node, ESM, minified) holds the
 * merge but no file reading, worker threads, dataset readers or model runtime.
 */
import { describe, expect, it } from "vitest";
import { lambdaBundle } from "../support/lambda-bundle.ts";

async function bundle() {
  const output = await lambdaBundle("collect-results");
  return { inputs: Object.keys(output.inputs), imports: output.imports.map((entry) => entry.path) };
}

describe("the collect-results bundle", () => {
  it("holds the partial counts merge and none of the engine's readers, threads or models", async () => {
    // Prepare / Act
    const { inputs, imports } = await bundle();

    // Assess
    expect(inputs).toContain("engine/merge/merge-partials.ts");
    expect(imports.filter((path) => /^node:(fs|worker_threads|child_process)/.test(path))).toEqual([]);
    expect(inputs.filter((path) => /onnxruntime|hyparquet/.test(path))).toEqual([]);
    expect(inputs).toContain("engine/merge/merge-shap.ts");
    // Of the explanations, only the global SHAP values' arithmetic, the local values' text and
    // the baseline's refusal messages (the merge refuses with one instance's words).
    expect(inputs.filter((path) => /^engine\/(explain|parallel)\//.test(path)).sort()).toEqual([
      "engine/explain/baseline/baseline-messages.ts",
      "engine/explain/global-shap.ts",
      "engine/explain/local-shap-values.ts",
    ]);
    expect(inputs.filter((path) => path.startsWith("engine/io/")).sort()).toEqual([
      "engine/io/name-order.ts",
      "engine/io/parquet/merge-dtypes.ts",
      "engine/io/parse-number.ts",
    ]);
  }, 60_000);
});
