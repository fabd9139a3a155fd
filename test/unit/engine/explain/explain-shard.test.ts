import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import { explainShard } from "../../../../engine/explain/run-explanations.ts";
import { type ScoringServer, startScoringServer } from "../../../support/scoring-server.ts";

const dir = mkdtempSync(join(tmpdir(), "explain-shard-"));
const COLOR: Record<string, number> = { red: 1, green: -2, blue: 3 };

/** A model behind HTTP that reads its second feature as a color's name: p = sigmoid(x / 10 + color). */
let model: ScoringServer;
let url: string;
beforeAll(async () => {
  model = await startScoringServer(
    ([x, color]) => 1 / (1 + Math.exp(-(Number(x) / 10 + (COLOR[color as string] ?? Number.NaN)))),
  );
  url = model.url;
});
afterAll(() => model.close());

/** A CSV part of `rows` rows of x, color and a label y. */
function part(folder: string, name: string, rows: readonly [number, string][]): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, name),
    `x,color,y\n${rows.map(([x, c], r) => `${x},${c},${r % 2}`).join("\n")}\n`,
  );
}

const BLUE_FIRST: [number, string][] = [
  [3, "blue"],
  [5, "red"],
  [-1, "green"],
];
/** No blue here, and green before red: its codes differ from the whole dataset's. */
const NO_BLUE: [number, string][] = [
  [2, "green"],
  [7, "red"],
  [4, "green"],
];

/** Blue, which only part-0 holds, is the baseline's color; 2 players, every coalition. */
const RAW = {
  dataset_type: "text/csv",
  label: "y",
  methods: { shap: { baseline: [[0, "blue"]], save_local_shap_values: true } },
};

describe("a host explaining its shard", () => {
  it("adds a baseline category its shard lacks, reports it, and gives its rows one instance's values", async () => {
    // Prepare
    const whole = join(dir, "whole");
    part(whole, "part-0.csv", BLUE_FIRST);
    part(whole, "part-1.csv", NO_BLUE);
    const shard = join(dir, "shard");
    part(shard, "part-1.csv", NO_BLUE);
    const config = parseAnalysisConfig(RAW).config;
    if (config === undefined) throw new Error("the test's config is not valid");
    const written: string[] = [];

    // Act
    const one = await analyze({
      datasetPath: whole,
      config: RAW,
      outDir: join(dir, "one"),
      intervals: false,
      model: { endpoint: url },
    });
    const files = { folder: shard, files: [join(shard, "part-1.csv")] };
    const host = await explainShard(config, files, { endpoint: url }, {}, async (file, lines) => {
      written[file] = lines;
    });

    // Assess
    expect(one.explained?.rows).toBe(6);
    expect(host.unseenBaseline).toEqual([
      '$.methods.shap.baseline[0][1]: "blue" is not a category of feature "color" in the dataset',
    ]);
    expect(host.textFeatures).toEqual(["color"]);
    expect(host.rowFiles).toEqual([{ path: "part-1.csv", rows: 3 }]);
    const oneInstance = readFileSync(join(dir, "one", "explanations_shap", "out.csv"), "utf8").split("\n");
    expect(written[0]).toBe(`${oneInstance.slice(4, 7).join("\n")}\n`);
    expect(host.expectedValues).toEqual([one.analysis.explanations?.kernel_shap?.label0?.expected_value]);
  });

  it("reads the files its host listed for the count pass, not its folder again", async () => {
    // Prepare: a file that appears in the folder after the host listed its shard
    const shard = join(dir, "listed");
    part(shard, "part-1.csv", NO_BLUE);
    part(shard, "part-2.csv", BLUE_FIRST);
    const config = parseAnalysisConfig(RAW).config;
    if (config === undefined) throw new Error("the test's config is not valid");
    const written: string[] = [];

    // Act
    const host = await explainShard(
      config,
      { folder: shard, files: [join(shard, "part-1.csv")] },
      { endpoint: url },
      {},
      async (file, lines) => {
        written[file] = lines;
      },
    );

    // Assess
    expect(host.rowFiles).toEqual([{ path: "part-1.csv", rows: 3 }]);
    expect(host.rowsExplained).toBe(3);
    expect(written).toHaveLength(1);
  });

  it("is refused, as one instance refuses it, a baseline category that the whole dataset lacks", async () => {
    // Prepare
    const shard = join(dir, "no-blue");
    part(shard, "part-1.csv", NO_BLUE);

    // Act
    const refused = analyze({
      datasetPath: shard,
      config: RAW,
      outDir: join(dir, "refused"),
      intervals: false,
      model: { endpoint: url },
    });

    // Assess
    await expect(refused).rejects.toThrow(
      '$.methods.shap.baseline[0][1]: "blue" is not a category of feature "color" in the dataset',
    );
  });
});
