import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedS3, startEmbeddedS3 } from "../../local/embedded-s3.ts";
import { LOCAL_INPUT_BUCKET } from "../../local/local-settings.ts";
import { stageLocalFiles } from "../../local/stage-local-files.ts";

let root: string;
let server: EmbeddedS3;
let s3: S3Client;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "stage-local-test-"));
  server = await startEmbeddedS3({ directory: join(root, "s3"), buckets: [LOCAL_INPUT_BUCKET] });
  s3 = server.createClient();
  await mkdir(join(root, "project", "data", "part"), { recursive: true });
  await writeFile(join(root, "project", "config.json"), "{}");
  await writeFile(join(root, "project", "data", "a.csv"), "y\n1\n");
  await writeFile(join(root, "project", "data", "part", "b.csv"), "y\n0\n");
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe("stageLocalFiles", () => {
  it("uploads a local file and a local folder, relative to run.json, and rewrites their URIs", async () => {
    // Prepare
    const input = {
      analysisConfigUri: "config.json",
      dataset: { uri: "data", s3DataType: "S3Prefix" },
      gates: {},
    };

    // Act
    const staged = await stageLocalFiles(input, {
      baseDirectory: join(root, "project"),
      s3,
      stagingPrefix: "exec-1",
    });

    // Assess
    expect(staged).toEqual({
      analysisConfigUri: "s3://local-inputs/exec-1/analysisConfigUri/config.json",
      dataset: { uri: "s3://local-inputs/exec-1/dataset-uri/", s3DataType: "S3Prefix" },
      gates: {},
    });
    const listing = await s3.send(
      new ListObjectsV2Command({ Bucket: LOCAL_INPUT_BUCKET, Prefix: "exec-1/" }),
    );
    expect((listing.Contents ?? []).map((object) => object.Key).sort()).toEqual([
      "exec-1/analysisConfigUri/config.json",
      "exec-1/dataset-uri/a.csv",
      "exec-1/dataset-uri/part/b.csv",
    ]);
  });

  it("leaves S3 URIs and other inputs untouched", async () => {
    // Prepare
    const input = { analysisConfigUri: "s3://bucket/config.json", dataset: { uri: "s3://bucket/data/" } };

    // Act
    const staged = await stageLocalFiles(input, { baseDirectory: root, s3, stagingPrefix: "exec-2" });

    // Assess
    expect(staged).toEqual(input);
  });
});
