/**
 * bench:scale runs bench/engine-run.ts in the tree of the engine before the count pass went onto
 * threads (scale.bench.ts, REFERENCE_COMMIT), to measure today's single thread against it. That
 * tree has none of the modules added since, so the script may reach into the project only
 * through the module both trees have, engine/analyze.ts; an import of a newer module breaks the
 * bench's build of the reference ("Could not resolve").
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { referencesOf } from "../../support/import-graph.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCRIPT = "bench/engine-run.ts";

describe("the script bench:scale also runs in the reference engine's tree", () => {
  it("imports from the project only engine/analyze.ts", () => {
    // Prepare
    const source = readFileSync(`${ROOT}${SCRIPT}`, "utf8");
    // Act
    const targets = referencesOf(ROOT, SCRIPT, source).map((reference) => reference.to);
    // Assess
    expect(targets).toEqual(["engine/analyze.ts"]);
  });
});
