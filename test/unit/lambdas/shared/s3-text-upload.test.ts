/**
 * The piece-by-piece text upload CollectResults writes out.csv with, against real S3 protocol
 * servers: the embedded s3rver of local runs and moto (when installed).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textUpload } from "../../../../lambdas/shared/s3-text-upload.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { type MotoServer, motoSkipReason, startMotoServer } from "../../../support/moto-server.ts";

const BUCKET = "uploads";
const MiB = 2 ** 20;

let directory: string;
let embedded: EmbeddedS3;
let moto: MotoServer | undefined;
const clients: Record<string, S3Client> = {};
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "text-upload-"));
  embedded = await startEmbeddedS3({ directory, buckets: [BUCKET] });
  clients.s3rver = embedded.createClient();
  if (motoSkipReason === undefined) {
    moto = await startMotoServer();
    clients.moto = new S3Client({
      endpoint: moto.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await clients.moto.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }
}, 60_000);
afterAll(async () => {
  for (const client of Object.values(clients)) client.destroy();
  await moto?.stop();
  await embedded.close();
  await rm(directory, { recursive: true, force: true });
});

/** `count` lines of about 100 bytes, numbered. */
function lines(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `${from + i},${"0.123456789,".repeat(8)}x\n`).join("");
}

const read = async (s3: S3Client, key: string) =>
  (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ?? "";

describe.each(["s3rver", "moto"])("a text object written piece by piece to %s", (server) => {
  const client = () => {
    const s3 = clients[server];
    if (s3 === undefined) throw new Error(`${server} is not running: ${motoSkipReason}`);
    return s3;
  };
  const skip = server === "moto" && motoSkipReason !== undefined;

  it.skipIf(skip)("is one PutObject when it fits in a part", async () => {
    // Prepare
    const upload = textUpload(client(), `s3://${BUCKET}/small.csv`, "text/csv");

    // Act
    await upload.write("a,b\n");
    await upload.write("1,2\n");
    await upload.close();

    // Assess
    expect(await read(client(), "small.csv")).toBe("a,b\n1,2\n");
  });

  it.skipIf(skip)(
    "is a multipart upload of 5 MiB parts when larger, the pieces in order",
    async () => {
      // Prepare: 12 pieces of about 1 MiB
      const upload = textUpload(client(), `s3://${BUCKET}/large.csv`, "text/csv", 5 * MiB);
      const pieces = Array.from({ length: 12 }, (_, p) => lines(p * 10_000, 10_000));

      // Act
      for (const piece of pieces) await upload.write(piece);
      await upload.close();

      // Assess
      const text = await read(client(), "large.csv");
      expect(text.length).toBeGreaterThan(11 * MiB);
      expect(text).toBe(pieces.join(""));
    },
    60_000,
  );

  // s3rver answers AbortMultipartUpload with MethodNotAllowed (CollectResults ignores a failed abort).
  it.skipIf(skip || server === "s3rver")(
    "leaves no object and no open upload when aborted",
    async () => {
      // Prepare
      const upload = textUpload(client(), `s3://${BUCKET}/aborted.csv`, "text/csv", 5 * MiB);
      await upload.write(lines(0, 60_000));

      // Act
      await upload.abort();

      // Assess
      await expect(read(client(), "aborted.csv")).rejects.toThrow("The specified key does not exist.");
      const open = await client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
      expect((open.Uploads ?? []).filter((u) => u.Key === "aborted.csv")).toEqual([]);
    },
    60_000,
  );
});
