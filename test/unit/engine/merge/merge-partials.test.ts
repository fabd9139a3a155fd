/**
 * A job of several instances gives the analysis of one: each host counts its shard of the
 * dataset's files (`process` with a resource config of several hosts writes only
 * output/partial/<host>.json and a tables object per file in output/partial/<host>/), and
 * mergePartials turns them into analysis.json, analysis_context.json and intervals.json byte for
 * byte as one instance writes them, whatever files each host was given.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PartialCounts, PartialTables } from "../../../../contracts/partial-counts.ts";
import { mergeOutputFolder } from "../../../../engine/merge/merge-output-folder.ts";
import { checkPartial, mergePartials } from "../../../../engine/merge/merge-partials.ts";
import { jsonFileText } from "../../../../engine/output/json-file-text.ts";
import { runProcessingJob, runProcessingOnHost } from "../../../../engine/processing/run-processing-job.ts";
import { censusCsv } from "../../../../examples/census/generate-dataset.ts";
import {
  creditConfig,
  csvParts,
  hostOutputListing,
  type JobTrees,
  jobOutput,
  jobTrees,
  json,
  type PartFiles,
  root,
  runHosts,
} from "../../../support/multi-host-trees.ts";
import { csvColumns, parquetBytes } from "../../../support/parquet-writer.ts";

const CREDIT_CSV = readFileSync(join(root, "examples/credit/credit.csv"), "utf8");
const quiet = () => {};

/** What one instance writes for the whole dataset. */
async function oneInstance(trees: JobTrees): Promise<Record<string, string>> {
  await runProcessingJob({ processingDir: trees.whole, log: quiet, threads: 1, environment: {} });
  const out = join(trees.whole, "output");
  const read = (file: string) => readFileSync(join(out, file), "utf8");
  return {
    analysis: read("analysis.json"),
    context: read("analysis_context.json"),
    intervals: read("intervals.json"),
  };
}

/** Every host's `process`, then the merge of their partial counts. */
async function severalInstances(trees: JobTrees, threads = 1, log: (line: string) => void = quiet) {
  for (const host of trees.hosts) {
    const outcome = await runProcessingOnHost({
      processingDir: host.tree,
      resourceConfigPath: host.resourceConfig,
      log,
      threads,
      environment: threads > 1 ? { CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD: "0" } : {},
    });
    expect(outcome.kind).toBe("partial");
    // A host writes its partial counts and nothing else.
    const files = readdirSync(join(host.tree, "input/data"), { recursive: true, withFileTypes: true });
    expect(readdirSync(join(host.tree, "output"), { recursive: true }).sort()).toEqual(
      hostOutputListing(host.name, files.filter((f) => f.isFile() && f.name !== "_SUCCESS").length),
    );
  }
  const merged = await mergeOutputFolder(jobOutput(trees));
  return {
    analysis: jsonFileText(merged.analysis),
    context: jsonFileText(merged.context),
    intervals: jsonFileText(merged.intervals),
  };
}

const LOANS_CONFIG = {
  version: "1.0",
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: [1],
  facet: [
    { name_or_index: "sex", value_or_threshold: ["F"] },
    { name_or_index: "age", value_or_threshold: [40] },
  ],
  group_variable: "region",
  predicted_label: "predicted",
  methods: {
    pre_training_bias: { methods: "all" },
    post_training_bias: { methods: ["DPPL", "DI", "CDDPL", "AD"] },
  },
};

/** 400 loan decisions with blanks in both facets: rows are left out, the integer column reads as floats. */
function loansCsv(): string {
  const lines = ["sex,age,income,region,approved,predicted"];
  for (let i = 0; i < 400; i++) {
    const sex = i % 37 === 0 ? "" : i % 3 === 0 ? "F" : "M";
    const age = i % 41 === 0 ? "" : String(20 + ((i * 7) % 45));
    const income = i % 29 === 0 ? "" : `${1000 + ((i * 13) % 500)}.25`;
    const region = ["north", "south", "east", "west"][i % 4];
    lines.push([sex, age, income, region, (i * 5) % 7 < 3 ? 1 : 0, (i * 3) % 5 < 2 ? 1 : 0].join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** The credit example as Parquet part files; the last declares the facet age as floats (pd.concat: float64). */
function creditParquet(): PartFiles {
  const columns = csvColumns(CREDIT_CSV);
  const rows = columns[0]?.data.length ?? 0;
  const bounds = [0, 150, 400, 420, 700, rows];
  const files: Record<string, Uint8Array> = {};
  for (let part = 0; part + 1 < bounds.length; part++) {
    const slice = columns.map((c) => ({
      ...c,
      ...(part === 4 && c.name === "age" && { type: "DOUBLE" as const }),
      data: c.data.slice(bounds[part], bounds[part + 1]),
    }));
    files[`part-${String(part).padStart(5, "0")}.parquet`] = parquetBytes(slice);
  }
  return { ...files, _SUCCESS: "" };
}

/** The credit example as JSON Lines part files: features array, label and prediction by key. */
function creditJsonLines(): { files: PartFiles; config: Record<string, unknown> } {
  const columns = csvColumns(CREDIT_CSV);
  const config = creditConfig();
  const label = String(config.label);
  const predicted = String(config.predicted_label);
  const features = columns.filter((c) => c.name !== label && c.name !== predicted);
  const at = (name: string) => columns.find((c) => c.name === name)?.data ?? [];
  const lines = (columns[0]?.data ?? []).map((_, row) =>
    JSON.stringify({
      features: features.map((c) => c.data[row]),
      [label]: at(label)[row],
      [predicted]: at(predicted)[row],
    }),
  );
  const files: Record<string, string> = {};
  const size = Math.ceil(lines.length / 3);
  for (let p = 0; p < 3; p++)
    files[`records/part-${p}.jsonl`] = `${lines.slice(p * size, (p + 1) * size).join("\n")}\n`;
  return {
    files,
    config: {
      ...config,
      dataset_type: "application/jsonlines",
      headers: [...features.map((c) => c.name), label],
      features: "features",
    },
  };
}

const FIVE = ["part-00000.csv", "part-00001.csv", "part-00002.csv", "part-00003.csv", "part-00004.csv"];

const CASES: {
  name: string;
  config: () => Record<string, unknown>;
  files: () => PartFiles;
  hosts: number[][];
}[] = [
  {
    name: "test/fixtures credit (4 rows) in 2 files, 3 hosts, one empty",
    config: () => json("test/fixtures/valid/config/credit.analysis_config.json"),
    files: () =>
      csvParts(
        readFileSync(join(root, "test/fixtures/valid/data/credit.csv"), "utf8"),
        ["x.csv", "a.csv"],
        [3, 1],
      ),
    hosts: [[], [1], [0]],
  },
  {
    name: "test/local credit-mini (headers in the config, a header row in each file) in 3 files, 3 hosts",
    config: () => json("test/local/fixtures/credit-mini/analysis_config.json"),
    files: () =>
      csvParts(readFileSync(join(root, "test/local/fixtures/credit-mini/train.csv"), "utf8"), [
        "p0.csv",
        "p1.csv",
        "p2.csv",
      ]),
    hosts: [[2], [0], [1]],
  },
  {
    name: "examples/credit in 5 files, 3 hosts interleaved (label, facet value, age threshold, group_variable/CDDL)",
    config: () => creditConfig(),
    files: () => csvParts(CREDIT_CSV, FIVE),
    hosts: [[4, 0], [3, 1], [2]],
  },
  {
    name: "examples/credit in 5 uneven files, 4 hosts of which one got no file",
    config: () => creditConfig(),
    files: () => csvParts(CREDIT_CSV, FIVE, [17, 500, 3, 200, 280]),
    hosts: [[], [1, 2, 3], [4], [0]],
  },
  {
    name: "examples/census in folders of part files, 2 hosts, the second holding the first files",
    config: () => json("examples/census/analysis_config.json"),
    files: () =>
      csvParts(censusCsv(3000), [
        "year=2024/part-1.csv",
        "year=2023/part-0.csv",
        "year=2023/part-1.csv",
        "year=2024/part-0.csv",
      ]),
    hosts: [
      [0, 3],
      [1, 2],
    ],
  },
  {
    name: "a Parquet folder whose part files declare different dtypes, 3 hosts, _SUCCESS beside the parts",
    config: () => creditConfig({ dataset_type: "application/x-parquet" }),
    files: creditParquet,
    hosts: [
      [4, 1],
      [0, 5],
      [3, 2],
    ],
  },
  {
    name: "a JSON Lines folder, 2 hosts",
    config: () => creditJsonLines().config,
    files: () => creditJsonLines().files,
    hosts: [[2, 0], [1]],
  },
  {
    name: "missing values and an integer facet read as floats, a host with a header-only file",
    config: () => LOANS_CONFIG,
    files: () => csvParts(loansCsv(), ["a.csv", "b.csv", "c.csv", "d.csv"], [0, 150, 100, 150]),
    hosts: [[0], [3, 1], [2]],
  },
  {
    name: "a facet whose largest number is infinity (written as text in the partial file)",
    config: () => LOANS_CONFIG,
    files: () => {
      const csv = loansCsv();
      if (!csv.includes("\nF,41,")) throw new Error("the fixture has no row F,41");
      return csvParts(csv.replace("\nF,41,", "\nF,inf,"), ["a.csv", "b.csv"]);
    },
    hosts: [[1], [0]],
  },
];

describe("several instances give the analysis of one", () => {
  for (const { name, config, files, hosts } of CASES) {
    it(`writes byte-identical analysis.json, analysis_context.json and intervals.json: ${name}`, async () => {
      // Prepare
      const trees = jobTrees(config(), files(), hosts);

      // Act
      const one = await oneInstance(trees);
      const several = await severalInstances(trees);

      // Assess
      expect(JSON.parse(one.analysis as string).pre_training_bias_metrics).toBeDefined();
      expect(several).toEqual(one);
    }, 60_000);
  }

  it("gives the same partial counts when a host counts its files on worker threads", async () => {
    // Prepare
    const trees = jobTrees(creditConfig(), csvParts(CREDIT_CSV, FIVE), [
      [0, 2, 4],
      [1, 3],
    ]);

    // Act
    const one = await oneInstance(trees);
    const lines: string[] = [];
    const onThreads = await severalInstances(trees, 2, (line) => lines.push(line));

    // Assess
    expect(onThreads).toEqual(one);
    expect(lines).toContainEqual(
      expect.stringMatching(/^host algo-1 of 2: counted 3 files, \d+ rows in [\d.]+ s on 2 threads$/),
    );
    expect(lines).toContain(
      "wrote output/partial/algo-2.json and 2 tables objects in output/partial/algo-2/ (CollectResults merges every host's)",
    );
  }, 60_000);
});

/** The partial counts of a 3-host credit job, for the merge's checks: host files and tables objects by name. */
async function creditPartials(): Promise<{ partials: PartialCounts[]; tables: Map<string, PartialTables> }> {
  const trees = jobTrees(creditConfig(), csvParts(CREDIT_CSV, FIVE), [[0, 3], [1, 4], [2]]);
  await runHosts(trees);
  const partials: PartialCounts[] = [];
  for (const host of trees.hosts) {
    const path = join(host.tree, "output/partial", `${host.name}.json`);
    expect(existsSync(path)).toBe(true);
    partials.push(JSON.parse(readFileSync(path, "utf8")) as PartialCounts);
  }
  const output = jobOutput(trees);
  const tables = new Map<string, PartialTables>();
  for (const file of partials.flatMap((p) => p.files)) {
    const object = file.tables as string;
    tables.set(object, JSON.parse(readFileSync(join(output, object), "utf8")) as PartialTables);
  }
  return { partials, tables };
}

describe("mergePartials refuses partial files that are not one job's, naming the host and the field", () => {
  let partials: PartialCounts[];
  let tables: Map<string, PartialTables>;
  const fresh = () =>
    structuredClone(partials) as PartialCounts[] as Array<PartialCounts & Record<string, unknown>>;
  /** Reads the tables objects as written, each through `change`. */
  const loader =
    (change: (object: string, document: Record<string, unknown>) => unknown = (_, d) => d) =>
    async (object: string) => {
      const document = tables.get(object);
      if (document === undefined) throw new Error(`no tables object ${object}`);
      return change(object, structuredClone(document) as unknown as Record<string, unknown>);
    };
  const merge = (list: readonly PartialCounts[]) => () =>
    mergePartials(
      list.map((p, i) => checkPartial(p, `partial/${i}.json`)),
      loader(),
    );

  it("prepares the partials of a 3-host job", async () => {
    ({ partials, tables } = await creditPartials());
    expect(partials.map((p) => p.host)).toEqual(["algo-1", "algo-2", "algo-3"]);
    expect([...tables.keys()].sort()).toEqual([
      "partial/algo-1/0.json",
      "partial/algo-1/1.json",
      "partial/algo-2/0.json",
      "partial/algo-2/1.json",
      "partial/algo-3/0.json",
    ]);
  }, 60_000);

  it.each([
    ["no partial at all", () => [], /^no partial counts file: no host wrote one$/],
    [
      "a host missing",
      (p: PartialCounts[]) => p.slice(0, 2),
      /^host algo-3: no partial counts file \(partial\/algo-3\.json\)/,
    ],
    [
      "a host twice",
      (p: PartialCounts[]) => [...p, p[1]],
      /^host algo-2: two partial counts files name this host$/,
    ],
    [
      "another hosts list",
      (p: PartialCounts[]) => [p[0], { ...p[1], hosts: ["algo-1", "algo-2"] }, p[2]],
      /^host algo-2: hosts differs from host algo-1's \(\["algo-1","algo-2"\] against \["algo-1","algo-2","algo-3"\]\)/,
    ],
    [
      "another config",
      (p: PartialCounts[]) => [p[0], p[1], { ...p[2], config: { ...p[2]?.config, label: "sex" } }],
      /^host algo-3: config differs from host algo-1's/,
    ],
    [
      "other interval settings",
      (p: PartialCounts[]) => [p[0], { ...p[1], intervals: false }, p[2]],
      /^host algo-2: intervals differs from host algo-1's/,
    ],
    [
      "another dataset shape",
      (p: PartialCounts[]) => [p[0], { ...p[1], dataset: { ...p[1]?.dataset, labelIndex: 3 } }, p[2]],
      /^host algo-2: dataset\.labelIndex 3 differs from host algo-1's 12: every part of the dataset must have the same columns$/,
    ],
    [
      "a file counted twice",
      (p: PartialCounts[]) => [
        p[0],
        { ...p[1], files: [...(p[1]?.files ?? []), { ...p[0]?.files[0], tables: "partial/algo-2/2.json" }] },
        p[2],
      ],
      /^host algo-2: files\[2\]\.path "part-00000\.csv" was counted by host algo-1 too/,
    ],
    [
      "no file on any host",
      (p: PartialCounts[]) => p.map(({ dataset: _, ...rest }) => ({ ...rest, files: [] })),
      /^no dataset file on any of the 3 hosts: the job's dataset input held none$/,
    ],
  ] as [string, (p: PartialCounts[]) => unknown[], RegExp][])("%s", async (_, change, message) => {
    // Prepare
    const list = change(fresh()) as PartialCounts[];
    // Act / Assess
    await expect(merge(list)()).rejects.toThrow(
      expect.objectContaining({ name: "PartialCountsError", message: expect.stringMatching(message) }),
    );
  });

  it.each([
    ["not an object", () => [], /^partial\/x\.json: the file must hold a JSON object, got \[\]$/],
    [
      "no host",
      (p: Record<string, unknown>) => ({ ...p, host: 3 }),
      /^partial\/x\.json: host must be a host name, got 3$/,
    ],
    [
      "another version (the host file of version 1, which held every file's tables)",
      (p: Record<string, unknown>) => ({ ...p, version: "1" }),
      /^partial\/x\.json \(host algo-1\): version must be "4", got "1"$/,
    ],
    [
      "a host not in hosts",
      (p: Record<string, unknown>) => ({ ...p, hosts: ["algo-2"] }),
      /\(host algo-1\): hosts must include the host algo-1/,
    ],
    [
      "no config",
      (p: Record<string, unknown>) => ({ ...p, config: "x" }),
      /\(host algo-1\): config must be the analysis config object, got "x"$/,
    ],
    [
      "bad intervals",
      (p: Record<string, unknown>) => ({ ...p, intervals: { confidence: 0.9, seed: 1 } }),
      /\(host algo-1\): intervals\.resamples must be a number, got undefined$/,
    ],
    [
      "a bad dataset shape",
      (p: Record<string, unknown>) => ({ ...p, dataset: { ...(p.dataset as object), facetIndexes: ["x"] } }),
      /\(host algo-1\): dataset\.facetIndexes must be a list of column indexes/,
    ],
    [
      "an absolute file path",
      (p: PartialCounts) => ({ ...p, files: [{ ...p.files[0], path: "/etc/x.csv" }] }),
      /\(host algo-1\): files\[0\]\.path must be the file's path below the dataset input, got "\/etc\/x\.csv"$/,
    ],
    [
      "a file naming another object as its tables",
      (p: PartialCounts) => ({ ...p, files: [{ ...p.files[0], tables: "../analysis.json" }] }),
      /\(host algo-1\): files\[0\]\.tables must name its tables object partial\/algo-1\/0\.json, got "\.\.\/analysis\.json"$/,
    ],
    [
      "a config float's place that names no configured number",
      (p: Record<string, unknown>) => ({ ...p, configFloats: ["facet[7].value_or_threshold[0]"] }),
      /\(host algo-1\): configFloats must list places of the config's label and facet numbers, got \["facet\[7\]\.value_or_threshold\[0\]"\]$/,
    ],
    [
      "column names that are not texts",
      (p: Record<string, unknown>) => ({ ...p, columnNames: ["a", 2] }),
      /\(host algo-1\): columnNames must be a list of column names, got \["a",2\]$/,
    ],
  ] as [string, (p: never) => unknown, RegExp][])("checkPartial: %s", (_, change, message) => {
    // Prepare
    const document = change(fresh()[0] as never);
    // Act / Assess
    expect(() => checkPartial(document, "partial/x.json")).toThrow(
      expect.objectContaining({ name: "PartialCountsError", message: expect.stringMatching(message) }),
    );
  });

  it.each([
    [
      "damaged cells",
      (object: string, d: Record<string, unknown>) => {
        const counted = d.tables as { facets: Record<string, unknown>[] };
        if (object === "partial/algo-1/0.json") (counted.facets[0] as Record<string, unknown>).cells = [1, 2];
        return d;
      },
      /^partial\/algo-1\/0\.json \(host algo-1, files\[0\] "part-00000\.csv"\): tables\.facets\[0\]\.cells must hold 16 counts per slot, got \[1,2\]$/,
    ],
    [
      "the tables of another file",
      (object: string, d: Record<string, unknown>) =>
        object === "partial/algo-2/1.json" ? { ...d, path: "part-00001.csv" } : d,
      /^partial\/algo-2\/1\.json \(host algo-2, files\[1\] "part-00004\.csv"\): path must be the path the host file lists, "part-00004\.csv", got "part-00001\.csv"$/,
    ],
    [
      "another version",
      (object: string, d: Record<string, unknown>) =>
        object === "partial/algo-3/0.json" ? { ...d, version: "1" } : d,
      /^partial\/algo-3\/0\.json \(host algo-3, files\[0\] "part-00002\.csv"\): version must be "4", got "1"$/,
    ],
    [
      "not an object",
      () => [],
      /^partial\/algo-1\/0\.json \(host algo-1, files\[0\] "part-00000\.csv"\): the object must hold a JSON object, got \[\]$/,
    ],
  ] as [string, (object: string, d: Record<string, unknown>) => unknown, RegExp][])(
    "a tables object: %s",
    async (_, change, message) => {
      // Prepare
      const list = fresh().map((p, i) => checkPartial(p, `partial/${i}.json`));
      // Act / Assess
      await expect(mergePartials(list, loader(change))).rejects.toThrow(
        expect.objectContaining({ name: "PartialCountsError", message: expect.stringMatching(message) }),
      );
    },
  );

  it("refuses rows counted by a host that describes no dataset shape", async () => {
    // Prepare
    const list = fresh().map(({ dataset, ...rest }, i) => (i === 1 ? rest : { ...rest, dataset }));
    // Act / Assess
    await expect(
      mergePartials(
        list.map((p, i) => checkPartial(p, `partial/${i}.json`)),
        loader(),
      ),
    ).rejects.toThrow(
      /^partial\/algo-2\.json \(host algo-2\): dataset must describe the dataset's columns when the host counted rows, got undefined$/,
    );
  });

  it("passes on the failure of a load, and reads at most the look-ahead window beyond the object it merges", async () => {
    // Prepare
    const list = fresh().map((p) => checkPartial(p, "p"));
    const asked: string[] = [];
    const failing = async (object: string) => {
      asked.push(object);
      if (object === "partial/algo-2/0.json") throw new Error("cannot read partial/algo-2/0.json");
      return loader()(object);
    };
    // Act / Assess: name order part-00000 (algo-1/0), part-00001 (algo-2/0), …; a window of 2.
    await expect(mergePartials(list, failing, { lookAhead: 2 })).rejects.toThrow(
      "cannot read partial/algo-2/0.json",
    );
    expect(asked).toEqual(["partial/algo-1/0.json", "partial/algo-2/0.json", "partial/algo-3/0.json"]);
  });

  it("merges the untouched partials in any order of the hosts and any look-ahead", async () => {
    // Prepare
    const list = fresh();
    // Act
    const forward = await mergePartials(
      list.map((p) => checkPartial(p, "p")),
      loader(),
    );
    const backward = await mergePartials(
      [...list].reverse().map((p) => checkPartial(p, "p")),
      loader(),
      { lookAhead: 1 },
    );
    // Assess
    expect(jsonFileText(backward.analysis)).toBe(jsonFileText(forward.analysis));
    expect(forward.context.dataset.files).toEqual(FIVE.map((f) => `input/data/${f}`));
    expect([forward.hosts, forward.files, forward.rowsRead]).toEqual([3, 5, 1000]);
  });
});

describe("a host whose files hold bad data", () => {
  it("fails on the first bad file in name order, on one thread and on several, naming it", async () => {
    // Prepare: files 1 and 3 of four each hold a row of too many fields.
    const parts = csvParts(CREDIT_CSV, ["p0.csv", "p1.csv", "p2.csv", "p3.csv"]) as Record<string, string>;
    for (const name of ["p1.csv", "p3.csv"])
      parts[name] = `${parts[name]}1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n`;
    const trees = jobTrees(creditConfig(), parts, [[0, 1, 2, 3], []]);
    const host = trees.hosts[0] as JobTrees["hosts"][0];
    const on = (threads: number) =>
      runProcessingOnHost({
        processingDir: host.tree,
        resourceConfigPath: host.resourceConfig,
        log: quiet,
        threads,
        environment: threads > 1 ? { CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD: "0" } : {},
      }).then(
        () => "counted",
        (error: Error) => `${error.name}: ${error.message}`,
      );

    // Act
    const oneThread = await on(1);
    const twoThreads = await on(2);

    // Assess
    expect(oneThread).toMatch(/^EngineInputError: .*p1\.csv/);
    expect(twoThreads).toBe(oneThread);
    expect(existsSync(join(host.tree, "output/partial/algo-1.json"))).toBe(false);
  }, 60_000);
});

describe("a matched column of text and numbers on several instances", () => {
  /** A label column whose first cell is text, then numbers written `1.0`, `1` and `0`. */
  function mixedLabelCsv(one = "1.0"): string {
    const lines = ["sex,approved", "F,yes"];
    for (let i = 1; i < 200; i++) lines.push(`${i % 3 === 0 ? "F" : "M"},${[one, "0", "1"][i % 3]}`);
    return `${lines.join("\n")}\n`;
  }
  const config = {
    dataset_type: "text/csv",
    label: "approved",
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
  };

  it("refuses the merge, naming the column, a cell, the configured value and what to do", async () => {
    // Prepare
    const trees = jobTrees(config, csvParts(mixedLabelCsv(), ["a.csv", "b.csv"]), [[0], [1]]);
    await runHosts(trees);

    // Act
    const merged = mergeOutputFolder(jobOutput(trees));

    // Assess
    await expect(merged).rejects.toThrow(
      'the label column "approved" holds text and numbers, so Clarify compares its cells with label_values_or_threshold as text; the hosts\' counts cannot tell which rows hold its cell "1.0" (label_values_or_threshold 1): run the job on one instance, or write the column\'s cells as label_values_or_threshold spells them',
    );
    await expect(merged).rejects.toMatchObject({ name: "PartialCountsError" });
  }, 60_000);

  it("refuses a facet column of text and numbers, naming the facet's value_or_threshold", async () => {
    // Prepare
    const lines = ["age,approved", "unknown,1"];
    for (let i = 1; i < 120; i++) lines.push(`${["30.0", "41", "30"][i % 3]},${i % 2}`);
    const facetConfig = { ...config, facet: [{ name_or_index: "age", value_or_threshold: [30] }] };
    const trees = jobTrees(facetConfig, csvParts(`${lines.join("\n")}\n`, ["a.csv", "b.csv"]), [[0], [1]]);
    await runHosts(trees);

    // Act
    const merged = mergeOutputFolder(jobOutput(trees));

    // Assess
    await expect(merged).rejects.toThrow(
      'the facet column "age" holds text and numbers, so Clarify compares its cells with facet[0].value_or_threshold as text; the hosts\' counts cannot tell which rows hold its cell "30.0" (facet[0].value_or_threshold 30)',
    );
  }, 60_000);

  it("merges when the column's cells spell the configured value (1, not 1.0)", async () => {
    // Prepare
    const trees = jobTrees(config, csvParts(mixedLabelCsv("1"), ["a.csv", "b.csv"]), [[0], [1]]);

    // Act
    const one = await oneInstance(trees);
    const several = await severalInstances(trees);

    // Assess
    expect(JSON.parse(one.analysis as string).pre_training_bias_metrics).toBeDefined();
    expect(several).toEqual(one);
  }, 60_000);
});
