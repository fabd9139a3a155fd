/**
 * startCountWorker: one worker counts job after job with the tables this thread counts (its
 * facets' cells arrive as transferred arrays and are put back); a worker stopped idle, or while
 * counting, is no failure of anything else.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import { wholeFileJobs } from "../../../../engine/parallel/count-files.ts";
import type { CountJob } from "../../../../engine/parallel/count-job.ts";
import { countJob } from "../../../../engine/parallel/count-worker.ts";
import { startCountWorker } from "../../../../engine/parallel/count-worker-thread.ts";
import { openBiasDataset } from "../../../../engine/run-bias-analysis.ts";

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }, { name_or_index: "age" }],
  methods: { pre_training_bias: { methods: "all" } },
};

/** Count jobs over two CSV files of the same columns, one job per file. */
function fileJobs(): CountJob[] {
  const folder = mkdtempSync(join(tmpdir(), "count-worker-thread-"));
  for (const f of [0, 1]) {
    const rows = Array.from(
      { length: 400 },
      (_, i) => `${i % 3 ? "F" : "M"},${18 + ((i * 7 + f) % 50)},${i % 4 ? "yes" : "no"}`,
    );
    writeFileSync(join(folder, `part-${f}.csv`), `sex,age,y\n${rows.join("\n")}\n`);
  }
  const parsed = parseAnalysisConfig(CONFIG);
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  const dataset = openBiasDataset(parsed.config, folder);
  try {
    return wholeFileJobs(dataset);
  } finally {
    dataset.close();
  }
}

describe("startCountWorker", () => {
  it("counts job after job on one worker with the tables of this thread", async () => {
    // Prepare
    const jobs = fileJobs();
    const worker = startCountWorker();

    // Act
    const replies = [];
    try {
      for (const job of jobs) replies.push(await worker.count(job));
    } finally {
      await worker.stop();
    }

    // Assess
    expect(replies.map((reply) => reply.ok)).toEqual([true, true]);
    for (const [j, reply] of replies.entries()) {
      if (!reply.ok) continue;
      expect(reply.tables.facets[1]?.cells.length).toBeGreaterThan(0);
      expect(reply.tables).toEqual(countJob(jobs[j] as CountJob));
    }
  }, 30_000);

  it("is stopped without a job, or while counting one, without failing the caller", async () => {
    // Prepare
    const [job] = fileJobs();
    const idle = startCountWorker();
    const busy = startCountWorker();

    // Act
    const counting = busy.count(job as CountJob);
    await Promise.all([idle.stop(), busy.stop()]);

    // Assess
    await expect(counting).rejects.toThrow("a count worker was stopped before replying");
  }, 30_000);
});
