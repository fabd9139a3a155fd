/**
 * The multipart copy path, against a mocked S3 client: the embedded S3 server has no
 * UploadPartCopy, so these tests assert the exact requests instead.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  copyObjectIdempotent,
  partRanges,
  SOURCE_ETAG_METADATA,
  type SourceObject,
} from "../../../../lambdas/stage-inputs/s3-copy.ts";

const s3Mock = mockClient(S3Client);
const client = new S3Client({ region: "us-east-1" });

const SOURCE: SourceObject = {
  location: { bucket: "source-data", key: "big/train data.csv" },
  size: 25,
  eTag: '"abc-3"',
};
const DESTINATION = { bucket: "clarify-runs", key: "runs/r1/input/dataset/train data.csv" };
const OPTIONS = { multipartThresholdBytes: 10, partSizeBytes: 10 };

function notFound(): Error {
  return Object.assign(new Error("NotFound"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });
}

function mockSourceAndEmptyDestination(): void {
  s3Mock.on(HeadObjectCommand, { Bucket: DESTINATION.bucket }).rejects(notFound());
  s3Mock
    .on(HeadObjectCommand, { Bucket: SOURCE.location.bucket })
    .resolves({ ContentLength: 25, ETag: SOURCE.eTag, ContentType: "text/csv", Metadata: { owner: "risk" } });
  s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: "upload-1" });
}

afterEach(() => {
  s3Mock.reset();
});

describe("multipart copy", () => {
  it("copies an object over the threshold in byte-range parts and completes the upload", async () => {
    // Prepare
    mockSourceAndEmptyDestination();
    s3Mock.on(UploadPartCopyCommand).callsFake((input: { PartNumber: number }) => ({
      CopyPartResult: { ETag: `"part-${input.PartNumber}"` },
    }));
    s3Mock.on(CompleteMultipartUploadCommand).resolves({});

    // Act
    const outcome = await copyObjectIdempotent(client, SOURCE, DESTINATION, OPTIONS);

    // Assess
    expect(outcome).toBe("copied");
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(CreateMultipartUploadCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: "clarify-runs",
        Key: "runs/r1/input/dataset/train data.csv",
        ContentType: "text/csv",
        Metadata: { owner: "risk", [SOURCE_ETAG_METADATA]: '"abc-3"' },
      },
    ]);
    const parts = s3Mock
      .commandCalls(UploadPartCopyCommand)
      .map((call) => call.args[0].input)
      .sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    expect(parts).toEqual(
      [
        [1, "bytes=0-9"],
        [2, "bytes=10-19"],
        [3, "bytes=20-24"],
      ].map(([partNumber, range]) => ({
        Bucket: "clarify-runs",
        Key: "runs/r1/input/dataset/train data.csv",
        UploadId: "upload-1",
        PartNumber: partNumber,
        CopySource: "source-data/big/train%20data.csv",
        CopySourceRange: range,
        CopySourceIfMatch: '"abc-3"',
      })),
    );
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: "clarify-runs",
        Key: "runs/r1/input/dataset/train data.csv",
        UploadId: "upload-1",
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: '"part-1"' },
            { PartNumber: 2, ETag: '"part-2"' },
            { PartNumber: 3, ETag: '"part-3"' },
          ],
        },
      },
    ]);
    expect(s3Mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  it("aborts the upload and names both URIs when a part fails", async () => {
    // Prepare
    mockSourceAndEmptyDestination();
    s3Mock.on(UploadPartCopyCommand).rejects(
      Object.assign(new Error("Access Denied"), {
        name: "AccessDenied",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    s3Mock.on(AbortMultipartUploadCommand).resolves({});

    // Act
    const act = copyObjectIdempotent(client, SOURCE, DESTINATION, OPTIONS);

    // Assess
    await expect(act).rejects.toThrow(
      "cannot copy s3://source-data/big/train data.csv to s3://clarify-runs/runs/r1/input/dataset/train data.csv: access denied",
    );
    expect(s3Mock.commandCalls(AbortMultipartUploadCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: "clarify-runs", Key: "runs/r1/input/dataset/train data.csv", UploadId: "upload-1" },
    ]);
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it("skips a multipart copy already made, recognised by the source ETag it carries", async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: DESTINATION.bucket })
      .resolves({ ContentLength: 25, ETag: '"other-3"', Metadata: { [SOURCE_ETAG_METADATA]: SOURCE.eTag } });

    // Act
    const outcome = await copyObjectIdempotent(client, SOURCE, DESTINATION, OPTIONS);

    // Assess
    expect(outcome).toBe("skipped");
    expect(s3Mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(UploadPartCopyCommand)).toHaveLength(0);
  });
});

describe("partRanges", () => {
  it("covers every byte once with inclusive ranges", () => {
    // Prepare
    const size = 5 * 1024 ** 3 + 1;

    // Act
    const ranges = partRanges(size, 512 * 1024 ** 2);

    // Assess
    expect(ranges).toHaveLength(11);
    expect(ranges[0]).toEqual({ first: 0, last: 512 * 1024 ** 2 - 1 });
    expect(ranges.at(-1)).toEqual({ first: 10 * 512 * 1024 ** 2, last: size - 1 });
  });

  it("raises the part size to stay within 10,000 parts", () => {
    // Prepare
    const size = 6 * 1024 ** 4;

    // Act
    const ranges = partRanges(size, 5 * 1024 ** 2);

    // Assess
    expect(ranges.length).toBeLessThanOrEqual(10_000);
    expect(ranges.at(-1)?.last).toBe(size - 1);
  });
});
