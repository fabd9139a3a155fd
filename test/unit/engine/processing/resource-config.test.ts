/**
 * SageMaker's resource config tells `process` which host of the job it is: no file is one host;
 * a file that is not what SageMaker writes fails with one line naming the field.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseResourceConfig, readResourceConfig } from "../../../../engine/processing/resource-config.ts";

const PATH = "/opt/ml/config/resourceconfig.json";

describe("readResourceConfig", () => {
  it("reads SageMaker's file, and no file as one host", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "resource-config-"));
    const path = join(dir, "resourceconfig.json");
    writeFileSync(
      path,
      JSON.stringify({
        current_host: "algo-2",
        current_instance_type: "ml.c5.xlarge",
        hosts: ["algo-1", "algo-2"],
        network_interface_name: "eth0",
      }),
    );

    // Act
    const found = await readResourceConfig(path);
    const missing = await readResourceConfig(join(dir, "absent.json"));

    // Assess
    expect(found).toEqual({ current_host: "algo-2", hosts: ["algo-1", "algo-2"] });
    expect(missing).toBeUndefined();
  });

  it.each([
    ["{", /^resource config \/opt\/ml\/config\/resourceconfig\.json: is not valid JSON: /],
    ["[]", /: must hold a JSON object$/],
    [
      JSON.stringify({ hosts: ["algo-1"] }),
      /: current_host must be a host name such as "algo-1", got undefined$/,
    ],
    [
      JSON.stringify({ current_host: "algo-1", hosts: [] }),
      /: hosts must be a non-empty list of host names, got \[\]$/,
    ],
    [JSON.stringify({ current_host: "algo-1", hosts: ["algo-1", "algo-1"] }), /: hosts names a host twice: /],
    [
      JSON.stringify({ current_host: "algo-3", hosts: ["algo-1", "algo-2"] }),
      /: current_host "algo-3" is not one of hosts/,
    ],
    [
      JSON.stringify({ current_host: "algo-1", hosts: ["algo-1", "../x"] }),
      /: host name "\.\.\/x" is not a plain name \(letters, digits, \. _ -\)$/,
    ],
  ])("refuses %s with one line", (text, message) => {
    // Act / Assess
    expect(() => parseResourceConfig(text, PATH)).toThrow(
      expect.objectContaining({ name: "ResourceConfigError", message: expect.stringMatching(message) }),
    );
  });
});
