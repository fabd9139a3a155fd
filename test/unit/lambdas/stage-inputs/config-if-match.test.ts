/**
 * A config replaced between the HEAD and the copy of StageInputs: S3 refuses the copy with
 * 412 PreconditionFailed because of CopySourceIfMatch. Neither s3rver nor moto enforces that
 * header, so S3's answer is mocked here and the exact request asserted (the moto suite checks
 * the request reaches S3 with the header, and that a swap before the HEAD is refused).
 */
import { CopyObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { snapshotAnalysisConfig } from "../../../../lambdas/stage-inputs/snapshot.ts";
import { makeRun, RUNS_BUCKET, SOURCE_BUCKET } from "./fixtures.ts";

const s3Mock = mockClient(S3Client);
const client = new S3Client({ region: "us-east-1" });
const VALIDATED = '"1b2cf535f27731c974343645a3985328"';

afterEach(() => {
  s3Mock.reset();
});

function preconditionFailed(): S3ServiceException {
  return new S3ServiceException({
    name: "PreconditionFailed",
    $fault: "client",
    $metadata: { httpStatusCode: 412 },
    message: "At least one of the pre-conditions you specified did not hold",
  });
}

describe("snapshotAnalysisConfig", () => {
  it("refuses a config replaced after S3 described it, naming the config and the version validated", async () => {
    // Prepare: HEAD still sees the validated version; by the copy it was replaced.
    const run = makeRun({
      analysisConfig: { s3Uri: `s3://${SOURCE_BUCKET}/credit/analysis_config.json`, eTag: VALIDATED },
    });
    s3Mock
      .on(HeadObjectCommand, { Bucket: RUNS_BUCKET })
      .rejects(
        Object.assign(new Error("NotFound"), { name: "NotFound", $metadata: { httpStatusCode: 404 } }),
      );
    s3Mock.on(HeadObjectCommand, { Bucket: SOURCE_BUCKET }).resolves({ ContentLength: 120, ETag: VALIDATED });
    s3Mock.on(CopyObjectCommand).rejects(preconditionFailed());

    // Act
    const act = snapshotAnalysisConfig(
      run,
      { s3: client, copyConcurrency: 1, allowedBuckets: [SOURCE_BUCKET] },
      { copied: 0, skipped: 0 },
    );

    // Assess
    await expect(act).rejects.toMatchObject({
      name: "StagingError",
      message: `the analysis config s3://${SOURCE_BUCKET}/credit/analysis_config.json changed after it was validated (ETag ${VALIDATED} when validated); it is not copied: start a new execution to validate and run the new version`,
    });
    expect(s3Mock.commandCalls(CopyObjectCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        CopySource: `${SOURCE_BUCKET}/credit/analysis_config.json`,
        CopySourceIfMatch: VALIDATED,
      }),
    ]);
  });
});
