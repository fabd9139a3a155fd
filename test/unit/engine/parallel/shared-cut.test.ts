/**
 * SharedCut: this thread and a worker share a run of CSV rows, cut when the worker has started.
 * Whatever the moment, the two sides count exactly the run's rows (their merged tables are the
 * tables of one pass), and the cut is just after a line feed, near the middle of what was left.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeCounts, toCountTables } from "../../../../engine/aggregate/count-tables.ts";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import type { FilePart } from "../../../../engine/io/table-reader.ts";
import { type CountJob, planSpec } from "../../../../engine/parallel/count-job.ts";
import {
  type CountReply,
  countHere,
  countJob,
  type LocalCountReply,
} from "../../../../engine/parallel/count-worker.ts";
import { startCountWorker } from "../../../../engine/parallel/count-worker-thread.ts";
import { SharedCut } from "../../../../engine/parallel/shared-cut.ts";
import { openBiasDataset } from "../../../../engine/run-bias-analysis.ts";

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }, { name_or_index: "age" }],
  group_variable: "region",
  methods: { pre_training_bias: { methods: "all" } },
};

/** CSV files of the same columns (`rows` rows each, a header in each), and a job over them. */
function csvJob(rowsPerFile: readonly number[]): CountJob {
  const folder = mkdtempSync(join(tmpdir(), "shared-cut-"));
  let row = 0;
  const paths = rowsPerFile.map((rows, f) => {
    const path = join(folder, `part-${f}.csv`);
    const lines = Array.from({ length: rows }, () => {
      row++;
      return `${row % 3 ? "F" : "M"},${18 + ((row * 7) % 61)},${row % 4 ? "yes" : "no"},r${row % 5}`;
    });
    writeFileSync(path, `sex,age,y,region\n${lines.join("\n")}\n`);
    return path;
  });
  const parsed = parseAnalysisConfig(CONFIG);
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  const dataset = openBiasDataset(parsed.config, folder);
  try {
    return {
      kind: "clarify-count-job",
      parts: paths.map((path) => ({ path, start: 0, end: statSync(path).size })),
      format: dataset.format,
      ...(dataset.reader.headers && { firstFileHeaders: dataset.reader.headers }),
      fieldCount: dataset.fieldCount,
      plan: planSpec(dataset.plan),
      countQuotes: true,
    };
  } finally {
    dataset.close();
  }
}

function tablesOf(reply: CountReply | LocalCountReply) {
  if (!reply.ok) throw new Error(`${reply.name}: ${reply.message}`);
  return "tables" in reply ? reply.tables : toCountTables(reply.counts);
}

const bytes = (parts: readonly FilePart[]) => parts.reduce((sum, part) => sum + part.end - part.start, 0);

describe("SharedCut", () => {
  it("cuts at the first line feed after the middle of the run when the worker has started before the first read", () => {
    // Prepare: one file; the worker says it has started before this thread reads
    const job = csvJob([3000]);
    const cut = SharedCut.over(job.parts);
    const worker = SharedCut.of(job.parts, cut.shared);
    worker.announce();

    // Act
    const here = countHere(job, undefined, cut);
    const there = countJob({ ...job, parts: worker.secondParts() });

    // Assess: this thread's parts end where the worker's start, just after a line feed, past the middle
    const first = here.ok ? here.parts : undefined;
    const [part] = job.parts as [FilePart];
    const at = first?.[0]?.end as number;
    expect(first).toEqual([{ ...part, end: at }]);
    expect(worker.secondParts()).toEqual([{ ...part, start: at }]);
    expect(readFileSync(part.path)[at - 1]).toBe(0x0a);
    expect(at).toBeGreaterThanOrEqual(part.end / 2);
    expect(at - part.end / 2).toBeLessThan(40);
    expect(mergeCounts(tablesOf(here), there)).toEqual(countJob(job));
  });

  it("places the cut in a later part, less what this thread does after counting", () => {
    // Prepare: a small file then a large one; the worker is to get 10,000 bytes more than half
    const job = csvJob([500, 4000]);
    const [small, large] = job.parts as [FilePart, FilePart];
    const cut = SharedCut.over(job.parts, 10_000);
    const worker = SharedCut.of(job.parts, cut.shared);
    worker.announce();

    // Act
    const here = countHere(job, undefined, cut);
    const there = countJob({ ...job, parts: worker.secondParts() });

    // Assess
    const first = here.ok ? (here.parts ?? []) : [];
    const at = first[1]?.end as number;
    expect(first).toEqual([small, { ...large, end: at }]);
    expect(worker.secondParts()).toEqual([{ ...large, start: at }]);
    const half = (bytes(job.parts) - 10_000) / 2;
    expect(bytes(first) - half).toBeGreaterThanOrEqual(0);
    expect(bytes(first) - half).toBeLessThan(40);
    expect(mergeCounts(tablesOf(here), there)).toEqual(countJob(job));
  });

  it("leaves the worker nothing when it starts after this thread has read the whole run", () => {
    // Prepare
    const job = csvJob([1000, 1000]);
    const cut = SharedCut.over(job.parts);

    // Act
    const here = countHere(job, undefined, cut);
    const worker = SharedCut.of(job.parts, cut.shared).waitForCut();
    const there = countJob({ ...job, parts: worker });

    // Assess: the worker's tables, of no rows, change nothing in the merge
    expect(here.ok && here.parts).toEqual(job.parts);
    expect(worker).toEqual([]);
    expect(there.rowsRead).toBe(0);
    expect(mergeCounts(tablesOf(here), there)).toEqual(countJob(job));
  });

  it("fails this thread's side with a data error when the cut falls inside a quoted field (the caller then cuts by quotes)", () => {
    // Prepare: the middle of the file is inside a quoted field of many lines
    const job = csvJob([10]);
    const [part] = job.parts as [FilePart];
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}`).join("\n");
    writeFileSync(part.path, `${readFileSync(part.path, "utf8")}F,30,yes,"${lines}"\nM,40,no,r1\n`);
    const parts = [{ ...part, end: statSync(part.path).size }];
    const cut = SharedCut.over(parts);
    SharedCut.of(parts, cut.shared).announce();

    // Act
    const here = countHere({ ...job, parts }, undefined, cut);

    // Assess
    expect(here).toMatchObject({ ok: false, name: "EngineInputError" });
  });

  it("shares a run with a worker thread: the two count every row once, whenever the worker starts", async () => {
    // Prepare
    const job = csvJob([20_000]);
    const cut = SharedCut.over(job.parts);
    const thread = startCountWorker();

    // Act
    let replies: [LocalCountReply, CountReply];
    try {
      const there = thread.count({ ...job, sharedCut: cut.shared });
      const here = countHere(job, undefined, cut);
      replies = [here, await there];
    } finally {
      await thread.stop();
    }

    // Assess: the parts meet, and the tables merged in order are one pass's
    const [here, there] = replies;
    const first = here.ok ? (here.parts ?? []) : [];
    const second = there.ok ? (there.parts ?? []) : [];
    expect(bytes(first) + bytes(second)).toBe(bytes(job.parts));
    expect(mergeCounts(tablesOf(here), tablesOf(there))).toEqual(countJob(job));
  }, 30_000);
});
