import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { COUNT_WORKER_BUNDLE, countWorkerScript } from "../../../../engine/parallel/count-worker-script.ts";

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
  await writeFile(join(withWorkers, COUNT_WORKER_BUNDLE), "");
  return () => rm(root, { recursive: true, force: true });
});

describe("countWorkerScript", () => {
  it("is the module itself when it runs from the sources", () => {
    // Prepare
    const module = pathToFileURL(join(withWorkers, "count-worker-thread.ts")).href;

    // Act
    const script = countWorkerScript(module);

    // Assess
    expect(script.href).toBe(module);
  });

  it("is the count workers' bundle beside the engine's bundle when the build wrote it", () => {
    // Act
    const script = countWorkerScript(pathToFileURL(join(withWorkers, "clarify-pipeline.mjs")).href);

    // Assess
    expect(script.href).toBe(pathToFileURL(join(withWorkers, COUNT_WORKER_BUNDLE)).href);
  });

  it("is the engine's bundle itself when no count workers' bundle is beside it", () => {
    // Prepare
    const bundle = pathToFileURL(join(withoutWorkers, "clarify-pipeline.mjs")).href;

    // Act
    const script = countWorkerScript(bundle);

    // Assess
    expect(script.href).toBe(bundle);
  });
});
