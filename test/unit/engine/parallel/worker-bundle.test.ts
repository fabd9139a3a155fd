/**
 * Where a worker thread's script is: the count and explanation workers each look for their own
 * bundle beside the engine's bundle, by the one lookup of engine/parallel/worker-bundle.ts.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EXPLAIN_WORKER_BUNDLE,
  explainWorkerScript,
} from "../../../../engine/explain/explain-worker-script.ts";
import { COUNT_WORKER_BUNDLE, countWorkerScript } from "../../../../engine/parallel/count-worker-script.ts";
import { sha256Hex } from "../../../../engine/parallel/worker-bundle.ts";

/**
 * Each kind of worker thread with its own bundle: its file, the lookup the engine's bundle makes,
 * and the module whose URL it is given from the sources.
 */
const KINDS = [
  { kind: "count", file: COUNT_WORKER_BUNDLE, script: countWorkerScript, module: "count-worker-thread.ts" },
  {
    kind: "explanation",
    file: EXPLAIN_WORKER_BUNDLE,
    script: explainWorkerScript,
    module: "explain-worker.ts",
  },
] as const;

const WORKERS_TEXT = "export {};\n";
const WORKERS_SHA256 = createHash("sha256").update(WORKERS_TEXT).digest("hex");
let withWorkers: string;
let withoutWorkers: string;

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), "worker-bundle-"));
  withWorkers = join(root, "with");
  withoutWorkers = join(root, "without");
  for (const dir of [withWorkers, withoutWorkers]) {
    await mkdir(dir);
    await writeFile(join(dir, "clarify-pipeline.mjs"), "");
  }
  for (const { file } of KINDS) await writeFile(join(withWorkers, file), WORKERS_TEXT);
  return () => rm(root, { recursive: true, force: true });
});

const bundleUrl = (dir: string) => pathToFileURL(join(dir, "clarify-pipeline.mjs")).href;

describe.each(KINDS)("the $kind workers' script", ({ file, script: workerScript, module: moduleFile }) => {
  it("is the module itself when it runs from the sources", () => {
    // Prepare
    const module = pathToFileURL(join(withWorkers, moduleFile)).href;

    // Act
    const script = workerScript(module, WORKERS_SHA256);

    // Assess
    expect(script.href).toBe(module);
  });

  it("is the workers' bundle beside the engine's bundle when it is the one built with it", () => {
    // Act
    const script = workerScript(bundleUrl(withWorkers), WORKERS_SHA256);

    // Assess
    expect(script.href).toBe(pathToFileURL(join(withWorkers, file)).href);
  });

  it("is the engine's bundle itself when the workers' bundle beside it is of another build", () => {
    // Act
    const script = workerScript(bundleUrl(withWorkers), createHash("sha256").update("other").digest("hex"));

    // Assess
    expect(script.href).toBe(bundleUrl(withWorkers));
  });

  it("is the engine's bundle itself when no workers' bundle is beside it", () => {
    // Act
    const script = workerScript(bundleUrl(withoutWorkers), WORKERS_SHA256);

    // Assess
    expect(script.href).toBe(bundleUrl(withoutWorkers));
  });

  it("is the engine's bundle itself when that bundle was built without naming a workers' bundle", () => {
    // Act
    const script = workerScript(bundleUrl(withWorkers), undefined);

    // Assess
    expect(script.href).toBe(bundleUrl(withWorkers));
  });
});

describe("sha256Hex", () => {
  it("is the hex SHA-256 of the bytes, as the build names a workers' bundle", () => {
    // Act
    const hex = sha256Hex(WORKERS_TEXT);

    // Assess
    expect(hex).toBe(WORKERS_SHA256);
    expect(sha256Hex(new TextEncoder().encode(WORKERS_TEXT))).toBe(hex);
  });
});
