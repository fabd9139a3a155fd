/**
 * A dataset file that is compressed, binary, or delimited by something other than commas is
 * named as such by `analyze` (the engine) and by `validate` (the pre-flight), instead of a
 * quoting error or a missing column named by the file's bytes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLARIFY_READABLE } from "../../../contracts/dataset-format.ts";
import { runCli } from "../../support/run-cli.ts";

const CSV = "Target,Sex,Income\n1,0,20000\n0,1,30000\n1,1,25000\n0,0,21000\n";
const CONFIG = {
  dataset_type: "text/csv",
  label: "Target",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "Sex", value_or_threshold: [0] }],
  methods: { pre_training_bias: { methods: ["CI"] } },
};

/** Deterministic bytes that are not text, with quotes, commas and line breaks among them. */
const BINARY = Uint8Array.from({ length: 4096 }, (_, i) => (i * 197 + 31) % 256);

const CASES = [
  [
    "gzip-compressed",
    "train.csv.gz",
    gzipSync(CSV),
    `is gzip-compressed; ${CLARIFY_READABLE}: decompress it first (gunzip)`,
  ],
  [
    "tab-delimited",
    "train.tsv",
    CSV.replaceAll(",", "\t"),
    `is tab-delimited (its first line has tabs and no commas); ${CLARIFY_READABLE}: save it with commas between fields`,
  ],
  [
    "semicolon-delimited",
    "train.csv",
    CSV.replaceAll(",", ";"),
    `is semicolon-delimited (its first line has semicolons and no commas); ${CLARIFY_READABLE}: save it with commas between fields`,
  ],
  ["binary", "train.bin", BINARY, `is not text (it holds binary bytes); ${CLARIFY_READABLE}`],
  [
    "JSON Lines",
    "train.jsonl",
    '{"Target": 1, "Sex": 0, "Income": 20000}\n{"Target": 0, "Sex": 1, "Income": 30000}\n',
    'holds JSON, not CSV (its first line starts with "{"); for JSON Lines (one JSON object per line) set dataset_type to "application/jsonlines"',
  ],
] as const;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dataset-format-"));
  await writeFile(join(dir, "config.json"), JSON.stringify(CONFIG));
  await writeFile(
    join(dir, "config-headers.json"),
    JSON.stringify({ ...CONFIG, headers: ["Target", "Sex", "Income"] }),
  );
  for (const [, file, content] of CASES) await writeFile(join(dir, file), content);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a dataset file Clarify cannot read as CSV", () => {
  it.each(CASES)("analyze says a %s file is one", async (_case, file, _content, problem) => {
    // Prepare
    const results = [];
    // Act
    for (const config of ["config.json", "config-headers.json"]) {
      results.push(
        await runCli([
          "analyze",
          "--dataset",
          join(dir, file),
          "--config",
          join(dir, config),
          "--out",
          join(dir, "out"),
        ]),
      );
    }
    // Assess
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`error: ${file} ${problem}\n`);
    }
  });

  it.each(CASES)(
    "validate says a %s file is one, at the dataset field",
    async (_case, file, _content, problem) => {
      // Prepare
      const runJson = join(dir, `run-${file}.json`);
      await writeFile(
        runJson,
        JSON.stringify({ analysisConfigUri: "config.json", dataset: { uri: file, s3DataType: "S3Prefix" } }),
      );
      // Act
      const result = await runCli(["validate", "--input", runJson]);
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`$.dataset.uri: ${join(dir, file)} ${problem}\n`);
    },
  );
});
