/**
 * CollectResults on the run folder of a job of several instances: no analysis.json, a host file
 * per host in output/partial/ and a tables object per dataset file in output/partial/<host>/
 * (written here by the engine's real `process` path on each host's tree), read from a real S3
 * protocol server. It merges them into the analysis.json, analysis_context.json and
 * intervals.json one instance writes, byte for byte, then evaluates the gates and writes the
 * summary; a missing or damaged partial object fails as a result error.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARTIAL_VERSION } from "../../../../contracts/partial-counts.ts";
import type { CollectResultsEvent } from "../../../../contracts/pipeline-state.ts";
import { runProcessingJob } from "../../../../engine/processing/run-processing-job.ts";
import { collectResults } from "../../../../lambdas/collect-results/collect.ts";
import {
  MEDIAN_SORT_MS_PER_MILLION_VALUES,
  type MergedPartials,
  medianSortMs,
  tablesBytesLimit,
} from "../../../../lambdas/collect-results/partial-results.ts";
import { AnalysisResultError } from "../../../../lambdas/shared/errors.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import {
  creditConfig,
  csvParts,
  type JobTrees,
  jobTrees,
  root,
  runHosts,
} from "../../../support/multi-host-trees.ts";
import { execution, makeRun, RUNS_BUCKET } from "../stage-inputs/fixtures.ts";

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;
let trees: JobTrees;
/** Each host's partial objects, as its `process` wrote them: path below output/ → text. */
const partialFiles = new Map<string, string>();
let runCounter = 0;
const quiet = () => {};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "partial-results-"));
  server = await startEmbeddedS3({ directory: join(directory, "s3"), buckets: [RUNS_BUCKET] });
  s3 = server.createClient();
  const csv = await readFile(join(root, "examples/credit/credit.csv"), "utf8");
  const files = ["part-0.csv", "part-1.csv", "part-2.csv", "part-3.csv", "part-4.csv"];
  trees = jobTrees(creditConfig(), csvParts(csv, files), [[4, 1], [], [0, 2, 3]]);
  await runProcessingJob({ processingDir: trees.whole, log: quiet, threads: 1, environment: {} });
  await runHosts(trees);
  for (const host of trees.hosts) {
    const output = join(host.tree, "output");
    for (const entry of await readdir(join(output, "partial"), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      partialFiles.set(path.slice(output.length + 1), await readFile(path, "utf8"));
    }
  }
}, 60_000);

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

/** A fresh run folder whose output/ holds the given files (paths below output/). */
async function runWith(files: Record<string, string>): Promise<CollectResultsEvent> {
  runCounter++;
  const runId = `multi-${runCounter}`;
  for (const [name, body] of Object.entries(files)) {
    await s3.send(
      new PutObjectCommand({ Bucket: RUNS_BUCKET, Key: `runs/${runId}/output/${name}`, Body: body }),
    );
  }
  return {
    mode: "collect",
    run: makeRun({ runId, runUri: `s3://${RUNS_BUCKET}/runs/${runId}/`, gates: { CI: { absMax: 0.9 } } }),
    job: { ProcessingJobName: `clarify-${runId}-0123456789`, ProcessingJobStatus: "Completed" },
    execution,
  };
}

async function readText(uri: string): Promise<string> {
  const key = uri.replace(`s3://${RUNS_BUCKET}/`, "");
  const object = await s3.send(new GetObjectCommand({ Bucket: RUNS_BUCKET, Key: key }));
  return (await object.Body?.transformToString()) ?? "";
}

async function exists(uri: string): Promise<boolean> {
  const key = uri.replace(`s3://${RUNS_BUCKET}/`, "");
  return s3.send(new HeadObjectCommand({ Bucket: RUNS_BUCKET, Key: key })).then(
    () => true,
    () => false,
  );
}

const partials = (change: (files: Record<string, string>) => void = () => {}) => {
  const files: Record<string, string> = {};
  for (const [path, text] of partialFiles) files[path] = text;
  change(files);
  return files;
};

const RED = '$.methods.shap.baseline[0][1]: "red" is not a category of feature "c" in the dataset';

/** The output/partial/ objects of SHAP alone on two hosts, one file and one row each. */
function shapPartials(
  unseenBaseline: string[] = [],
  shap: Record<string, unknown> = {},
): Record<string, string> {
  const config = {
    dataset_type: "text/csv",
    label: "y",
    methods: { shap: { baseline: [[0, "red"]], ...shap } },
  };
  const files: Record<string, string> = {};
  for (const [h, host] of ["algo-1", "algo-2"].entries()) {
    files[`partial/${host}.json`] = JSON.stringify({
      version: PARTIAL_VERSION,
      host,
      hosts: ["algo-1", "algo-2"],
      config,
      intervals: false,
      files: [{ path: `part-${h}.csv`, bytes: 20, shap: `partial/${host}/0.shap.csv`, shapRows: 1 }],
      explanations: {
        labels: ["label0"],
        features: ["x", "c"],
        expectedValues: [0.5],
        rowsExplained: 1,
        rowsDropped: 0,
        modelEvaluations: 3,
        textFeatures: ["c"],
        unseenBaseline,
        columns: { fieldCount: 3, names: ["x", "c", "y"] },
      },
    });
    files[`partial/${host}/0.shap.csv`] = "0.25,-0.125\n";
  }
  return files;
}

describe("collectResults on the partial counts of several instances", () => {
  it("merges them into the one-instance analysis.json, context and intervals, then writes the verdict", async () => {
    // Prepare
    const event = await runWith(partials());
    const merges: MergedPartials[] = [];

    // Act
    const verdict = await collectResults(event, { s3, onPartialsMerged: (merged) => merges.push(merged) });

    // Assess
    const runUri = event.run.runUri;
    const one = (file: string) => readFile(join(trees.whole, "output", file), "utf8");
    expect(await readText(`${runUri}output/analysis.json`)).toBe(await one("analysis.json"));
    expect(await readText(`${runUri}output/analysis_context.json`)).toBe(await one("analysis_context.json"));
    expect(await readText(`${runUri}output/intervals.json`)).toBe(await one("intervals.json"));
    expect(merges).toEqual([
      {
        hosts: 3,
        files: 5,
        rowsRead: 1000,
        written: [
          `${runUri}output/analysis.json`,
          `${runUri}output/analysis_context.json`,
          `${runUri}output/intervals.json`,
        ],
      },
    ]);
    expect(verdict).toMatchObject({ passed: true, summaryUri: `${runUri}summary.json` });
    const summary = JSON.parse(await readText(`${runUri}summary.json`));
    expect(summary).toMatchObject({
      status: "Succeeded",
      analysisUri: `${runUri}output/analysis.json`,
      contextUri: `${runUri}output/analysis_context.json`,
      intervalsUri: `${runUri}output/intervals.json`,
      reportUri: `${runUri}report.html`,
    });
    expect(summary.gates.length).toBeGreaterThan(0);
    expect(summary.jobReportUri).toBeUndefined();
  }, 30_000);

  it.each([
    [
      "a host's file missing",
      (files: Record<string, string>) => delete files["partial/algo-2.json"],
      /^the partial counts in s3:\/\/[^ ]+\/output\/partial\/ cannot be merged: host algo-2: no partial counts file \(partial\/algo-2\.json\)/,
    ],
    [
      "a file that is not JSON",
      (files: Record<string, string>) => {
        files["partial/algo-3.json"] = "{ cut off";
      },
      /^s3:\/\/[^ ]+\/output\/partial\/algo-3\.json is not valid JSON: /,
    ],
    [
      "a damaged field of a host file",
      (files: Record<string, string>) => {
        const partial = JSON.parse(files["partial/algo-1.json"] as string);
        partial.files[0].bytes = -1;
        files["partial/algo-1.json"] = JSON.stringify(partial);
      },
      /^a host's partial counts are not readable: output\/partial\/algo-1\.json \(host algo-1\): files\[0\]\.bytes must be a whole number of bytes, got -1$/,
    ],
    [
      "a damaged field of a tables object",
      (files: Record<string, string>) => {
        const object = JSON.parse(files["partial/algo-1/0.json"] as string);
        object.tables.rowsRead = -1;
        files["partial/algo-1/0.json"] = JSON.stringify(object);
      },
      /^the partial counts in s3:\/\/[^ ]+\/output\/partial\/ cannot be merged: partial\/algo-1\/0\.json \(host algo-1, files\[0\] "part-1\.csv"\): tables\.rowsRead must be a whole number, got -1$/,
    ],
    [
      "a tables object missing",
      (files: Record<string, string>) => delete files["partial/algo-3/2.json"],
      /^cannot read s3:\/\/[^ ]+\/output\/partial\/algo-3\/2\.json: /,
    ],
    [
      "a tables object that is not JSON",
      (files: Record<string, string>) => {
        files["partial/algo-3/0.json"] = "{ cut off";
      },
      /^s3:\/\/[^ ]+\/output\/partial\/algo-3\/0\.json is not valid JSON: /,
    ],
  ])(
    "fails with AnalysisResultError on %s, writing no analysis.json and no summary",
    async (_, change, message) => {
      // Prepare
      const event = await runWith(partials(change));

      // Act
      const act = collectResults(event, { s3 });

      // Assess
      await expect(act).rejects.toThrow(AnalysisResultError);
      await expect(collectResults(event, { s3 })).rejects.toThrow(message);
      expect(await exists(`${event.run.runUri}output/analysis.json`)).toBe(false);
      expect(await exists(`${event.run.runUri}summary.json`)).toBe(false);
    },
  );

  it("fails with one instance's message, unwrapped, when the merge refuses the dataset or config", async () => {
    // Prepare: SHAP alone on two hosts, neither of whose files holds the baseline's category
    const files = shapPartials([RED]);
    const event = await runWith(files);

    // Act
    const act = collectResults(event, { s3 });

    // Assess
    await expect(act).rejects.toThrow(new AnalysisResultError(RED));
    expect(await exists(`${event.run.runUri}output/analysis.json`)).toBe(false);
  });

  it("writes analysis.json last, so a retry after a failed write merges again and writes all three", async () => {
    // Prepare: an S3 client whose first write of the context fails, as a throttled PUT would.
    const event = await runWith(partials());
    let failed = false;
    const failingOnce = new Proxy(s3, {
      get(target, property, receiver) {
        if (property !== "send") return Reflect.get(target, property, receiver);
        return (command: { input?: { Key?: string } }) => {
          if (
            !failed &&
            command instanceof PutObjectCommand &&
            command.input.Key?.endsWith("/analysis_context.json")
          ) {
            failed = true;
            return Promise.reject(
              Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown" }),
            );
          }
          return target.send(command as PutObjectCommand);
        };
      },
    });

    // Act
    const first = collectResults(event, { s3: failingOnce });
    await expect(first).rejects.toThrow("Please reduce your request rate.");
    const afterFailure = await exists(`${event.run.runUri}output/analysis.json`);
    const merges: MergedPartials[] = [];
    await collectResults(event, { s3: failingOnce, onPartialsMerged: (merged) => merges.push(merged) });

    // Assess
    expect(afterFailure).toBe(false);
    expect(merges).toHaveLength(1);
    const one = (file: string) => readFile(join(trees.whole, "output", file), "utf8");
    const runUri = event.run.runUri;
    expect(await readText(`${runUri}output/analysis.json`)).toBe(await one("analysis.json"));
    expect(await readText(`${runUri}output/analysis_context.json`)).toBe(await one("analysis_context.json"));
    expect(await readText(`${runUri}output/intervals.json`)).toBe(await one("intervals.json"));
  }, 30_000);

  it("stops the merge with a clear message when the function's time runs short, writing no analysis.json", async () => {
    // Prepare: 18 s left when the merge starts, 1 s less at each tables object it reads
    const event = await runWith(partials());
    let left = 18_000;

    // Act
    const act = collectResults(event, { s3, remainingMs: () => (left -= 1_000) });

    // Assess
    await expect(act).rejects.toThrow(AnalysisResultError);
    await expect(act).rejects.toThrow(
      /^the merge of the partial counts in s3:\/\/[^ ]+\/output\/partial\/ stopped at object \d of 5: the function has 14 s left; the merge's time grows with the dataset's files: give the dataset as fewer, larger files, or give CollectResults more memory \(more CPU\)$/,
    );
    expect(await exists(`${event.run.runUri}output/analysis.json`)).toBe(false);
  });

  it("watches the time while a local SHAP values object streams, and says what makes that merge long", async () => {
    // Prepare: 20 s left when the first object is asked for, 10 s once its first piece comes
    const event = await runWith(shapPartials());
    let calls = 0;

    // Act
    const act = collectResults(event, { s3, remainingMs: () => (++calls === 1 ? 20_000 : 10_000) });

    // Assess
    await expect(act).rejects.toThrow(
      /^the merge of the partial counts in s3:\/\/[^ ]+\/output\/partial\/ stopped in object 1 of 2 \(partial\/algo-1\/0\.shap\.csv\): the function has 10 s left; the merge of local SHAP values takes time with the rows explained × labels × explained features: explain fewer features \(features_to_explain\), or give CollectResults more memory \(more CPU\)$/,
    );
    expect(await exists(`${event.run.runUri}output/analysis.json`)).toBe(false);
  });

  it("keeps time for median's sort of the hosts' local values, none for the other methods", () => {
    // Prepare: 2 hosts × 1 row × 1 label × 2 features, scaled to a million rows each
    const host = (text: string) => {
      const partial = JSON.parse(text);
      partial.explanations.rowsExplained = 1_000_000;
      return partial;
    };
    const median = shapPartials([], { agg_method: "median" });
    const meanAbs = shapPartials([], { agg_method: "mean_abs" });
    const of = (files: Record<string, string>) =>
      ["algo-1", "algo-2"].map((h) => host(files[`partial/${h}.json`] as string));

    // Act
    const sorted = medianSortMs(of(median));
    const summed = medianSortMs(of(meanAbs));

    // Assess: 4 M values
    expect(sorted).toBe(4 * MEDIAN_SORT_MS_PER_MILLION_VALUES);
    expect(summed).toBe(0);
  });

  it("refuses a tables object larger than its memory can merge, before reading it", async () => {
    // Prepare: a function of 512 MB merges tables objects up to 4.3 MB; this one is given a limit below one object's size.
    const event = await runWith(partials());

    // Act
    const act = collectResults(event, { s3, maxTablesBytes: 1000 });

    // Assess
    expect(tablesBytesLimit(512)).toBe(Math.floor((256 * 2 ** 20) / 60));
    await expect(act).rejects.toThrow(
      /^s3:\/\/[^ ]+\/output\/partial\/algo-3\/0\.json holds \d+ KB of count tables, more than this function merges at once \(1 KB\): a tables object grows with the distinct values of the analysed columns \(up to 10,000 each\) and their length, not with the rows or the number of files; give CollectResults more memory$/,
    );
    expect(await exists(`${event.run.runUri}output/analysis.json`)).toBe(false);
  });
});
