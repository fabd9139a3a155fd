import { afterEach, describe, expect, it, vi } from "vitest";
import { emitBiasMetrics } from "../../../../lambdas/collect-results/index.ts";
import { biasMetricDocuments } from "../../../../lambdas/shared/bias-metrics-emf.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("collect-results handler metrics", () => {
  it("prints each EMF document as one bare JSON line on stdout and logs each skipped value", () => {
    // Prepare
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const emission = biasMetricDocuments(
      {
        pre_training: {
          facets: {
            Sex: [
              { valueOrThreshold: "0", metrics: [{ name: "CI", value: 0.2 }] },
              { valueOrThreshold: "1", metrics: [{ name: "CI", value: Number.NEGATIVE_INFINITY }] },
            ],
          },
        },
      },
      "credit",
      1_700_000_000_000,
    );

    // Act
    emitBiasMetrics(emission);

    // Assess
    const emf = written.filter((line) => line.includes('"_aws"'));
    expect(emf).toEqual([`${JSON.stringify(emission.documents[0])}\n`]);
    const skippedLog = written.map((line) => JSON.parse(line)).find((entry) => entry.message !== undefined);
    expect(skippedLog).toMatchObject({
      level: "INFO",
      message: "bias metric value not emitted as a metric",
      metric: "CI",
      facetValue: "1",
      reason: "-Infinity is not finite; CloudWatch takes finite values only",
    });
  });
});
