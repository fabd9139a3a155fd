import { describe, expect, it } from "vitest";
import { namedColumn, roleColumn } from "../../../../engine/aggregate/role-column.ts";

describe("roleColumn", () => {
  // Prepare: a facet named by the config, one given by its index.
  const config = {
    label: "y",
    predictedLabel: "p",
    facets: [{ nameOrIndex: "sex" }, { nameOrIndex: 3 }],
  };

  it.each([
    ["label", 'the label column "y"', "label_values_or_threshold"],
    ["predicted_label", 'the predicted label column "p"', "label_values_or_threshold"],
    ["facet:0", 'the facet column "sex"', "facet[0].value_or_threshold"],
    ["facet:1", 'the facet column "3"', "facet[1].value_or_threshold"],
  ] as const)("names the column of %s by the config's name for it", (role, column, field) => {
    // Act
    const named = roleColumn(config, role);

    // Assess
    expect(named).toEqual({ column, field });
  });

  it("quotes a name as JSON, so that a quote in it cannot end the name", () => {
    // Act
    const named = namedColumn("facet", 'a "b"');

    // Assess
    expect(named).toBe('facet column "a \\"b\\""');
  });
});
