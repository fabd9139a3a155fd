import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAnalysisConfig } from "../../engine/config/parse-analysis-config.ts";
import { type FeatureTable, readFeatureTable } from "../../engine/explain/feature-table.ts";

/**
 * The feature table `readFeatureTable` reads from a CSV of these rows (written to a file of its
 * own), with the label `y` and a SHAP baseline given as rows.
 */
export function featureTableOf(csv: string): FeatureTable {
  const path = join(mkdtempSync(join(tmpdir(), "feature-table-")), "data.csv");
  writeFileSync(path, csv);
  const config = parseAnalysisConfig({
    dataset_type: "text/csv",
    label: "y",
    methods: { shap: { baseline: [[0, "a"]] } },
  }).config;
  if (config === undefined) throw new Error("the test's config is not valid");
  return readFeatureTable(config, path);
}
