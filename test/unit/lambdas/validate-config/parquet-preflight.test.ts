/**
 * `clarify-pipeline validate` on a local Parquet dataset: the columns the config names are
 * checked against the names in the first part file's footer.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../../bin/cli/main.ts";
import { writeParquet } from "../../../support/parquet-writer.ts";

let folder: string;

const config = {
  dataset_type: "application/x-parquet",
  label: "Target",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "Sex" }],
  methods: { pre_training_bias: { methods: "all" } },
};

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "validate-parquet-"));
  await mkdir(join(folder, "parts"));
  // _SUCCESS sorts before the parts and holds no data; the first part names the columns.
  await writeFile(join(folder, "parts", "_SUCCESS"), "");
  writeParquet(join(folder, "parts", "part-00000.parquet"), [
    { name: "Id", type: "INT64", data: [1, 2] },
    { name: "Sex", type: "STRING", data: ["F", "M"] },
    { name: "Target", type: "INT64", data: [1, 0] },
  ]);
  await writeFile(join(folder, "data.csv"), "Id,Sex,Target\n1,F,1\n");
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function validate(analysisConfig: Record<string, unknown>, datasetUri: string) {
  const input = join(folder, `${Math.random().toString(36).slice(2)}.run.json`);
  await writeFile(input, JSON.stringify({ analysisConfig, dataset: { uri: datasetUri } }));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["validate", "--input", input], {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("clarify-pipeline validate on a Parquet dataset", () => {
  it("accepts a config whose columns are in the footer of the folder's first part", async () => {
    // Prepare
    const datasetUri = "parts/";
    // Act
    const result = await validate(config, datasetUri);
    // Assess
    expect(result.stderr).toBe("");
    expect(result).toMatchObject({ code: 0, stdout: "valid\n" });
  });

  it("names a column the Parquet file lacks, listing the columns it has", async () => {
    // Prepare
    const wrong = { ...config, facet: [{ name_or_index: "Gender" }] };
    // Act
    const result = await validate(wrong, "parts/");
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `$.analysisConfig.facet[0].name_or_index: column "Gender" is not in ${join(folder, "parts", "part-00000.parquet")} (columns: Id, Sex, Target)\n`,
    );
  });

  it("says so when headers differ from the columns the file names", async () => {
    // Prepare
    const withHeaders = { ...config, headers: ["Sex", "Id", "Target"] };
    // Act
    const result = await validate(withHeaders, "parts/");
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `$.analysisConfig.headers: headers (Sex, Id, Target) differ from the columns of ${join(folder, "parts", "part-00000.parquet")} (Id, Sex, Target); a Parquet file names its own columns: drop headers or list them in order\n`,
    );
  });

  it("refuses a CSV file given as application/x-parquet", async () => {
    // Prepare
    const datasetUri = "data.csv";
    // Act
    const result = await validate(config, datasetUri);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `$.dataset.uri: data.csv cannot be read (${join(folder, "data.csv")}): it is not a Parquet file: it does not end with PAR1, but dataset_type is application/x-parquet\n`,
    );
  });
});
