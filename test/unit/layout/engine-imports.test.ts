/**
 * The engine is its own container image: it must not reach into the Lambdas' folder. What both
 * sides use (the JSON record check, how a bad value is shown, the S3 URI grammar, the dataset
 * formats Clarify reads, the Parquet footer, AnalysisResultError, the intervals.json reader, the
 * gate evaluations the report shows) lives in contracts/, which reaches into lambdas/ no more
 * than the engine does.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { referencesInto, referencesOf } from "../../support/import-graph.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function described(root: string, folder: string, forbidden: string): string[] {
  return referencesInto(root, folder, forbidden).map((reference) => `${reference.from} -> ${reference.to}`);
}

describe("import scanner", () => {
  it("sees static, type-only, re-exported, dynamic and new URL references, and no path in a comment", () => {
    // Prepare
    const source = [
      `import { isRecord } from "../../lambdas/shared/is-record.ts";`,
      `import type { Gate } from "../../lambdas/shared/gates.ts";`,
      `export { show } from "../lambdas/shared/show-value.ts";`,
      `const module = await import("../../lambdas/shared/s3-uri.ts");`,
      `const worker = new URL("../../lambdas/shared/worker.ts", import.meta.url);`,
      `// see ../../lambdas/shared/errors.ts`,
      `import { readFileSync } from "node:fs";`,
    ].join("\n");
    // Act
    const targets = referencesOf("/repo", "engine/report/x.ts", source).map((reference) => reference.to);
    // Assess
    expect(targets).toEqual([
      "lambdas/shared/is-record.ts",
      "lambdas/shared/gates.ts",
      "engine/lambdas/shared/show-value.ts",
      "lambdas/shared/s3-uri.ts",
      "lambdas/shared/worker.ts",
    ]);
  });
});

describe("what the engine and the Lambdas both use", () => {
  it("is not taken by the engine from lambdas/", () => {
    // Prepare / Act
    const references = described(ROOT, "engine", "lambdas");
    // Assess
    expect(references).toEqual([]);
  });

  it("lives in contracts/, which imports nothing from lambdas/", () => {
    // Prepare / Act
    const references = described(ROOT, "contracts", "lambdas");
    // Assess
    expect(references).toEqual([]);
  });
});
