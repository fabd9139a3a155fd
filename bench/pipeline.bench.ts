/**
 * `npm run bench:pipeline`: what one local run costs and what deploys.
 *
 * - state transitions of a successful run of the example (Step Functions bills Standard
 *   workflows per transition);
 * - `npm start` wall time, median of 3 (a fresh process each time: what a user waits);
 * - each Lambda bundle's size, bundled as deployed (esbuild: node, ESM, minified, the AWS
 *   SDK v3 left external because the Lambda Node.js runtime provides it).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clarifyEngineContainer } from "../local/clarify-container.ts";
import { coreSteps } from "../local/core-steps.ts";
import { runLocal } from "../local/local-run.ts";
import { lambdaBundle } from "../test/support/lambda-bundle.ts";
import { median } from "./median.ts";

const REPO = new URL("..", import.meta.url).pathname;
const EXAMPLE = join(REPO, "examples", "credit", "run.json");
const LAMBDAS = ["validate-config", "stage-inputs", "collect-results"] as const;

async function stateTransitions(): Promise<number> {
  const out = await mkdtemp(join(tmpdir(), "bench-pipeline-"));
  try {
    const report = await runLocal({
      inputPath: EXAMPLE,
      outDir: out,
      log: () => {},
      makeSteps: coreSteps,
      container: clarifyEngineContainer,
    });
    if (report.verdict !== "succeeded") throw new Error(`the example run did not succeed: ${report.message}`);
    return report.execution.stateTransitions;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function npmStartMs(): number {
  const out = join(tmpdir(), `bench-npm-start-${process.pid}`);
  const started = performance.now();
  const result = spawnSync("npm", ["start", "--silent", "--", "--out", out], { cwd: REPO, encoding: "utf8" });
  const elapsed = performance.now() - started;
  spawnSync("rm", ["-rf", out]);
  if (result.status !== 0) throw new Error(`npm start exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

async function bundleBytes(name: string): Promise<number> {
  return (await lambdaBundle(name)).bytes;
}

const rows: [string, string][] = [];
rows.push(["state transitions per successful run", String(await stateTransitions())]);
const startTimes = [npmStartMs(), npmStartMs(), npmStartMs()];
rows.push(["npm start wall time (median of 3)", `${(median(startTimes) / 1000).toFixed(2)} s`]);
for (const name of LAMBDAS) {
  rows.push([
    `bundle lambdas/${name}/index.ts (min, SDK external)`,
    `${((await bundleBytes(name)) / 1024).toFixed(1)} KiB`,
  ]);
}

const width = Math.max(...rows.map(([label]) => label.length));
console.log(`${"measure".padEnd(width)}  value`);
console.log(`${"-".repeat(width)}  ${"-".repeat(10)}`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
