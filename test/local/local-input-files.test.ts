/**
 * The local files a run.json names must resolve, symlinks followed, inside run.json's folder
 * unless the user allows otherwise: real folders and symlinks on disk.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalInputError, readLocalInput } from "../../local/local-input-files.ts";

let root: string;
let project: string;
let outside: string;

beforeAll(async () => {
  // <root>/project holds run.json's files; <root>/outside is somewhere else on the disk.
  root = await mkdtemp(join(tmpdir(), "local-input-files-"));
  project = join(root, "project");
  outside = join(root, "outside");
  await mkdir(join(project, "data", "part"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(project, "config.json"), "{}");
  await writeFile(join(project, "data", "a.csv"), "y\n1\n");
  await writeFile(join(project, "data", "part", "b.csv"), "y\n0\n");
  await writeFile(join(outside, "secret.csv"), "y\n1\n");
  await symlink(join(outside, "secret.csv"), join(project, "link-out.csv"));
  await symlink(join(project, "data", "a.csv"), join(project, "link-in.csv"));
  await mkdir(join(project, "leaky"));
  await writeFile(join(project, "leaky", "ok.csv"), "y\n1\n");
  await symlink(join(outside, "secret.csv"), join(project, "leaky", "z-secret.csv"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const inProject = () => ({ baseDirectory: project });

describe("readLocalInput", () => {
  it("reads a file and a folder inside run.json's folder, symlinks inside it included", async () => {
    // Prepare
    const options = inProject();
    // Act
    const file = await readLocalInput("config.json", "$.analysisConfigUri", options);
    const link = await readLocalInput("link-in.csv", "$.dataset.uri", options);
    const folder = await readLocalInput("data", "$.dataset.uri", options);
    // Assess
    expect(file.files.map((f) => f.relativePath)).toEqual([""]);
    expect(link.absolute).toBe(join(project, "link-in.csv"));
    expect(folder.isFolder).toBe(true);
    expect(folder.files.map((f) => f.relativePath)).toEqual(["a.csv", "part/b.csv"]);
  });

  it.each([
    ["a relative path that climbs out", "../outside/secret.csv", "../outside/secret.csv"],
    ["an absolute path elsewhere", "ABSOLUTE", "ABSOLUTE"],
    ["a symlink that points out", "link-out.csv", "link-out.csv"],
    ["a symlink inside a folder that points out", "leaky", "leaky/z-secret.csv"],
  ])("refuses %s, naming the path and the flag that allows it", async (_case, written, shown) => {
    // Prepare
    const path = written === "ABSOLUTE" ? join(outside, "secret.csv") : written;
    const named = shown === "ABSOLUTE" ? path : shown;
    // Act
    const reading = readLocalInput(path, "$.dataset.uri", inProject());
    // Assess
    await expect(reading).rejects.toThrow(LocalInputError);
    await expect(reading).rejects.toThrow(
      `$.dataset.uri: "${named}" resolves to ${join(outside, "secret.csv")}, outside run.json's folder ${project}; move it into that folder, or pass --allow-paths-outside-input to allow paths outside it`,
    );
  });

  it("reads paths outside run.json's folder when allowed", async () => {
    // Prepare
    const options = { baseDirectory: project, allowOutside: true };
    // Act
    const climbing = await readLocalInput("../outside/secret.csv", "$.dataset.uri", options);
    const leaky = await readLocalInput("leaky", "$.dataset.uri", options);
    // Assess
    expect(climbing.files).toEqual([{ path: join(outside, "secret.csv"), relativePath: "" }]);
    expect(leaky.files.map((f) => f.relativePath)).toEqual(["ok.csv", "z-secret.csv"]);
  });
});
