import { describe, expect, it } from "vitest";
import { reportWithUserPaths } from "../../local/report-user-paths.ts";
import type { StagedLocalPath } from "../../local/stage-local-files.ts";

const CONFIG: StagedLocalPath = {
  field: "$.analysisConfigUri",
  localPath: "analysis_config.json",
  absolutePath: "/home/me/census/analysis_config.json",
  uri: "s3://local-inputs/exec-1/analysis-config-uri/analysis_config.json",
};

function datasetAt(localPath: string, uri: string): StagedLocalPath {
  return { field: "$.dataset.uri", localPath, absolutePath: `/home/me/census/${localPath}`, uri };
}

describe("reportWithUserPaths", () => {
  it("names a dataset file as run.json wrote it, escaped, wherever the report names its container path", () => {
    // Prepare
    const staged = [
      CONFIG,
      datasetAt("data/census & co.csv", "s3://local-inputs/exec-1/dataset-uri/census & co.csv"),
    ];
    const html =
      "<dd><code>text/csv</code>, 1 file: <code>input/data/census &amp; co.csv</code>.</dd>" +
      "<li>input/data/census &amp; co.csv: 3 rows skipped ($&amp;)</li>";

    // Act
    const named = reportWithUserPaths(html, staged);

    // Assess
    expect(named).toBe(
      "<dd><code>text/csv</code>, 1 file: <code>data/census &amp; co.csv</code>.</dd>" +
        "<li>data/census &amp; co.csv: 3 rows skipped ($&amp;)</li>",
    );
  });

  it("names each part file of a dataset folder under the folder run.json gave", () => {
    // Prepare
    const staged = [CONFIG, datasetAt("parts", "s3://local-inputs/exec-1/dataset-uri/")];
    const html = "2 files: <code>input/data/a/part-0.csv</code>, <code>input/data/a/part-1.csv</code>.";

    // Act
    const named = reportWithUserPaths(html, staged);

    // Assess
    expect(named).toBe("2 files: <code>parts/a/part-0.csv</code>, <code>parts/a/part-1.csv</code>.");
  });

  it("leaves the report alone for an S3 dataset, a path inside another path, and a file not staged", () => {
    // Prepare
    const html =
      "<code>input/data/census.csv</code> /opt/ml/processing/input/data/census.csv <code>input/data/other.csv</code>";

    // Act
    const s3Dataset = reportWithUserPaths(html, [CONFIG]);
    const localDataset = reportWithUserPaths(html, [
      CONFIG,
      datasetAt("census.csv", "s3://local-inputs/exec-1/dataset-uri/census.csv"),
    ]);

    // Assess
    expect(s3Dataset).toBe(html);
    expect(localDataset).toBe(
      "<code>census.csv</code> /opt/ml/processing/input/data/census.csv <code>input/data/other.csv</code>",
    );
  });
});
