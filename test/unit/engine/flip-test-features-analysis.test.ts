/**
 * The Flip Test's features are the dataset's other columns as pandas types them: a column of
 * boolean spellings is pandas' `bool`, which smclarify's FT takes as numbers (True = 1,
 * False = 0); the same column with a missing cell (in any row, also one left out for a missing
 * label) is `object`, which FT refuses. Expected values follow smclarify's rule, worked out here.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../engine/analyze.ts";

/**
 * Features of facet "sex": x and flag. Advantaged M: 4 rows, so k = 1. flag (0 or 1) outweighs
 * x (tenths), so each F row's nearest M row shares its flag:
 *   F 0.11 False, model yes → nearest M 0.20 False (no)  → model positive, neighbour negative: F+
 *   F 0.31 True,  model no  → nearest M 0.30 True (yes)  → F−
 *   F 0.39 True,  model yes → nearest M 0.30 True (yes)  → agree (by x alone: M 0.40, no → F+)
 *   F 0.21 True,  model no  → nearest M 0.30 True (yes)  → F− (0.09 from it, 0.11 from 0.10)
 * FT = (F+ − F−) / n_d = (1 − 2) / 4 = −0.25 (by x alone it would be (1 − 1) / 4 = 0).
 */
const ROWS = [
  "sex,x,flag,y,yhat",
  "M,0.10,True,yes,yes",
  "M,0.20,False,no,no",
  "M,0.30,True,yes,yes",
  "M,0.40,False,no,no",
  "F,0.11,False,yes,yes",
  "F,0.31,True,no,no",
  "F,0.39,True,yes,yes",
  "F,0.21,True,no,no",
];

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  predicted_label: "yhat",
  methods: { post_training_bias: { methods: ["FT"] } },
};

interface FlipTestEntry {
  value: number | null;
  error?: string;
}

async function flipTestOf(lines: readonly string[], threads: number): Promise<FlipTestEntry> {
  const dir = mkdtempSync(join(tmpdir(), "flip-test-features-"));
  const datasetPath = join(dir, "data.csv");
  writeFileSync(datasetPath, `${lines.join("\n")}\n`);
  const result = await analyze({
    datasetPath,
    config: CONFIG,
    outDir: join(dir, "out"),
    threads: { threads, minBytesPerThread: 0 },
    intervals: false,
  });
  const analysis = JSON.parse(readFileSync(result.analysisPath, "utf8")) as {
    post_training_bias_metrics: {
      facets: Record<string, { metrics: ({ name: string } & FlipTestEntry)[] }[]>;
    };
  };
  const entry = analysis.post_training_bias_metrics.facets.sex?.[0]?.metrics.find((m) => m.name === "FT");
  if (!entry) throw new Error("no FT in analysis.json");
  return entry;
}

describe("FT features of boolean spellings", () => {
  for (const threads of [1, 2]) {
    it(`reads a True/False column as 1/0, as pandas' bool dtype (${threads} thread(s))`, async () => {
      // Prepare: ROWS

      // Act
      const ft = await flipTestOf(ROWS, threads);

      // Assess
      expect(ft.error).toBeUndefined();
      expect(ft.value).toBeCloseTo(-0.25, 12);
    });

    it(`refuses it when a row left out for a missing label misses its flag (${threads} thread(s))`, async () => {
      // Prepare: pandas reads the flag column with an empty cell as object before the row is dropped.
      const lines = [...ROWS, "F,0.5,,,yes"];

      // Act
      const ft = await flipTestOf(lines, threads);

      // Assess
      expect(ft).toMatchObject({ value: null, error: "FlipTest does not support non-numeric columns" });
    });
  }

  it("refuses a column of boolean spellings and numbers (pandas' object)", async () => {
    // Prepare
    const lines = [...ROWS, "F,0.5,1,yes,yes"];

    // Act
    const ft = await flipTestOf(lines, 1);

    // Assess
    expect(ft).toMatchObject({ value: null, error: "FlipTest does not support non-numeric columns" });
  });
});
