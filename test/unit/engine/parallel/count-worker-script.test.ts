import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { COUNT_WORKER_BUNDLE, countWorkerScript } from "../../../../engine/parallel/count-worker-script.ts";

const WORKERS_TEXT = "export {};\n";
const WORKERS_SHA256 = createHash("sha256").update(WORKERS_TEXT).digest("hex");
let withWorkers: string;
let withoutWorkers: string;

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), "count-worker-script-"));
  withWorkers = join(root, "with");
  withoutWorkers = join(root, "without");
  for (const dir of [withWorkers, withoutWorkers]) {
    await mkdir(dir);
    await writeFile(join(dir, "clarify-pipeline.mjs"), "");
  }
  await writeFile(join(withWorkers, COUNT_WORKER_BUNDLE), WORKERS_TEXT);
  return () => rm(root, { recursive: true, force: true });
});

const bundleUrl = (dir: string) => pathToFileURL(join(dir, "clarify-pipeline.mjs")).href;

describe("countWorkerScript", () => {
  it("is the module itself when it runs from the sources", () => {
    // Prepare
    const module = pathToFileURL(join(withWorkers, "count-worker-thread.ts")).href;

    // Act
    const script = countWorkerScript(module, WORKERS_SHA256);

    // Assess
    expect(script.href).toBe(module);
  });

  it("is the count workers' bundle beside the engine's bundle when it is the one built with it", () => {
    // Act
    const script = countWorkerScript(bundleUrl(withWorkers), WORKERS_SHA256);

    // Assess
    expect(script.href).toBe(pathToFileURL(join(withWorkers, COUNT_WORKER_BUNDLE)).href);
  });

  it("is the engine's bundle itself when the count workers' bundle beside it is of another build", () => {
    // Act
    const script = countWorkerScript(
      bundleUrl(withWorkers),
      createHash("sha256").update("other").digest("hex"),
    );

    // Assess
    expect(script.href).toBe(bundleUrl(withWorkers));
  });

  it("is the engine's bundle itself when no count workers' bundle is beside it", () => {
    // Act
    const script = countWorkerScript(bundleUrl(withoutWorkers), WORKERS_SHA256);

    // Assess
    expect(script.href).toBe(bundleUrl(withoutWorkers));
  });

  it("is the engine's bundle itself when that bundle was built without naming a count workers' bundle", () => {
    // Act
    const script = countWorkerScript(bundleUrl(withWorkers), undefined);

    // Assess
    expect(script.href).toBe(bundleUrl(withWorkers));
  });
});
