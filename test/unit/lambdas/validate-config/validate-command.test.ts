import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../../bin/cli/main.ts";

const VALID = join(import.meta.dirname, "../../../fixtures/valid");

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

let folder: string;

async function runJson(name: string, content: unknown): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "validate-command-"));
  await writeFile(join(folder, "data.csv"), "Id,Sex,Target\n1,0,1\n");
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const config = {
  dataset_type: "text/csv",
  label: "Target",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "Sex" }],
  methods: { pre_training_bias: { methods: "all" } },
};

describe("clarify-pipeline validate", () => {
  it.each(["local-inline.run.json", "local-config-file.run.json", "s3-run.run.json", "s3-request.run.json"])(
    "prints valid and exits 0 for the fixture %s",
    async (name) => {
      // Prepare
      const { io, stdout, stderr } = captureIo();
      // Act
      const code = await main(["validate", "--input", join(VALID, name)], io);
      // Assess
      expect(stderr()).toBe("");
      expect(stdout()).toBe("valid\n");
      expect(code).toBe(0);
    },
  );

  it("prints one <json-path>: <message> line per problem on stderr and exits 1", async () => {
    // Prepare
    const input = await runJson("bad.run.json", {
      runName: "bad/name",
      analysisConfig: config,
      dataset: { uri: "data.csv" },
      job: { instanceType: "ml.p3.2xlarge" },
    });
    const { io, stdout, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input], io);
    // Assess
    expect(code).toBe(1);
    expect(stdout()).toBe("");
    expect(stderr().split("\n").filter(Boolean)).toEqual([
      '$.runName: "bad/name" is not a safe folder name; runName must be 1-100 characters of letters, digits, "-", "_" and "."',
      "$.job.instanceType: ml.p3.2xlarge is a GPU instance type; Clarify does not use GPUs (use a CPU type such as ml.c5.xlarge)",
    ]);
  });

  it("refuses a local dataset that resolves outside run.json's folder, as run --local does, unless allowed", async () => {
    // Prepare: run.json in project/, its dataset a symlink to a file beside project/.
    const project = join(folder, "project");
    await mkdir(project, { recursive: true });
    await writeFile(join(folder, "elsewhere.csv"), "Id,Sex,Target\n1,0,1\n");
    await symlink(join(folder, "elsewhere.csv"), join(project, "data.csv"));
    const input = join(project, "run.json");
    await writeFile(
      input,
      JSON.stringify({ runName: "linked", analysisConfig: config, dataset: { uri: "data.csv" } }),
    );
    const refused = captureIo();
    const allowed = captureIo();

    // Act
    const refusedCode = await main(["validate", "--input", input], refused.io);
    const allowedCode = await main(["validate", "--input", input, "--allow-paths-outside-input"], allowed.io);

    // Assess
    const real = await realpath(join(folder, "elsewhere.csv"));
    expect(refusedCode).toBe(1);
    expect(refused.stderr()).toBe(
      `$.dataset.uri: "data.csv" resolves to ${real}, outside run.json's folder ${await realpath(project)}; move it into that folder, or pass --allow-paths-outside-input to allow paths outside it\n`,
    );
    expect(allowedCode).toBe(0);
    expect(allowed.stdout()).toBe("valid\n");
  });

  it("checks the columns against a local dataset's header", async () => {
    // Prepare
    const input = await runJson("columns.run.json", {
      analysisConfig: { ...config, label: "Default" },
      dataset: { uri: "data.csv" },
    });
    const { io, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toBe(
      `$.analysisConfig.label: column "Default" is not in ${join(folder, "data.csv")} (columns: Id, Sex, Target)\n`,
    );
  });

  it("names a config file's problems as the file, a space, then the JSON path within it", async () => {
    // Prepare
    await writeFile(join(folder, "config-file.json"), JSON.stringify({ ...config, label: "Default" }));
    const input = await runJson("config-file.run.json", {
      analysisConfigUri: "config-file.json",
      dataset: { uri: "data.csv" },
    });
    const { io, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toBe(
      `config-file.json $.label: column "Default" is not in ${join(folder, "data.csv")} (columns: Id, Sex, Target)\n`,
    );
  });

  it("names a config file's analyses the local engine cannot run as the file, a space, then the JSON path", async () => {
    // Prepare
    await writeFile(
      join(folder, "asymmetric.json"),
      JSON.stringify({
        ...config,
        predicted_label: "Id",
        methods: { ...config.methods, asymmetric_shapley_value: {} },
      }),
    );
    const input = await runJson("asymmetric.run.json", {
      analysisConfigUri: "asymmetric.json",
      dataset: { uri: "data.csv" },
    });
    const { io, stdout, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input], io);
    // Assess
    expect(code).toBe(0);
    expect(stdout()).toBe("valid\n");
    expect(stderr()).toMatch(
      /^note: the local engine \(run --local, analyze\) cannot run this: asymmetric\.json \$\.methods\.asymmetric_shapley_value: /,
    );
  });

  it("reports headers that do not match the dataset's first row at the config's headers", async () => {
    // Prepare
    const input = await runJson("headers.run.json", {
      analysisConfig: { ...config, headers: ["Id", "Sex", "Income", "Target"] },
      dataset: { uri: "data.csv" },
    });
    const { io, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toBe(
      `$.analysisConfig.headers: headers lists 4 columns but the first row of ${join(folder, "data.csv")} has 3\n`,
    );
  });

  it("reports a local dataset path that does not exist", async () => {
    // Prepare
    const input = await runJson("missing.run.json", { analysisConfig: config, dataset: { uri: "nope.csv" } });
    const { io, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toMatch(
      /^\$\.dataset\.uri: nope\.csv cannot be read \(.*nope\.csv\): no such file or folder\n$/,
    );
  });

  it("skips the allowed-bucket rule unless --allowed-buckets is given", async () => {
    // Prepare
    const input = await runJson("s3.run.json", {
      analysisConfig: config,
      dataset: { uri: "s3://some-bucket/d.csv" },
    });
    const skipped = captureIo();
    const checked = captureIo();
    // Act
    const skippedCode = await main(["validate", "--input", input], skipped.io);
    const checkedCode = await main(
      ["validate", "--input", input, "--allowed-buckets", "a-bucket,b-bucket"],
      checked.io,
    );
    // Assess
    expect(skippedCode).toBe(0);
    expect(checkedCode).toBe(1);
    expect(checked.stderr()).toBe(
      '$.dataset.uri: bucket "some-bucket" is not allowed for this deployment (allowed: a-bucket, b-bucket); ask the deployer to add it\n',
    );
  });

  it("uses --region for the expected Clarify image", async () => {
    // Prepare
    const input = join(VALID, "s3-run.run.json");
    const { io, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input, "--region", "eu-west-1"], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toContain("$.job.imageUri:");
    expect(stderr()).toContain("but jobs run in eu-west-1");
  });

  it("reports input that is not JSON as one problem line", async () => {
    // Prepare
    const input = await runJson("broken.run.json", "{ runName: ");
    const { io, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", input], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toMatch(/^\$: .*broken\.run\.json is not valid JSON: /);
  });

  it("reports a missing --input file without a stack trace", async () => {
    // Prepare
    const { io, stderr } = captureIo();
    // Act
    const code = await main(["validate", "--input", join(folder, "absent.json")], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toMatch(/^error: cannot read --input .*absent\.json: ENOENT/);
    expect(stderr()).not.toContain("    at ");
  });

  it("documents the offline placeholder deployment in its help", async () => {
    // Prepare
    const { io, stdout } = captureIo();
    // Act
    const code = await main(["validate", "--help"], io);
    // Assess
    expect(code).toBe(0);
    expect(stdout()).toContain("allowed buckets  not checked, unless --allowed-buckets a,b is given");
  });
});
