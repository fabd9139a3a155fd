import { describe, expect, it } from "vitest";
import { resolveColumn } from "../../../../engine/io/resolve-column.ts";

describe("resolveColumn", () => {
  it("finds a configured name among the dataset's column names", () => {
    // Act
    const index = resolveColumn("sex", ["age", "sex"], 2, "$.facet[0].name_or_index");

    // Assess
    expect(index).toBe(1);
  });

  it("quotes the configured name and the dataset's names as namedColumn does, so a quote in one stays inside it", () => {
    // Prepare: names holding a quote and a comma
    const names = ['say "hi"', "a,b"];

    // Act
    const refused = () => resolveColumn('say "ho"', names, 2, "$.label");

    // Assess
    expect(refused).toThrow(
      '$.label: column "say \\"ho\\"" is not in the dataset; its columns are "say \\"hi\\"", "a,b"',
    );
  });

  it("says a name cannot be found in a dataset without column names", () => {
    // Act
    const refused = () => resolveColumn("y", undefined, 3, "$.label");

    // Assess
    expect(refused).toThrow(
      '$.label: column "y" cannot be found: the dataset has no column names (give headers)',
    );
  });
});
