/**
 * partialJson / decodeTablesObject (contracts/partial-counts.ts): a column maximum of infinity
 * travels as the text "Infinity" and is read back as infinity, without modifying the parsed
 * document; the check accepts the decoded document and refuses the undecoded one.
 */
import { describe, expect, it } from "vitest";
import {
  decodeTablesObject,
  PARTIAL_VERSION,
  type PartialCounts,
  type PartialTables,
  partialJson,
} from "../../../../contracts/partial-counts.ts";
import { checkTablesObject, PartialCountsError } from "../../../../engine/merge/check-partial.ts";

const profile = (max: number | null) => ({
  capacity: 10,
  values: ["1"],
  rowsOf: [1],
  count: 1,
  missing: 0,
  overflowed: false,
  allNumeric: true,
  allInteger: false,
  max,
  leftOutKinds: 0,
});

const TABLES_OBJECT = {
  version: PARTIAL_VERSION,
  path: "a.csv",
  tables: {
    rowsRead: 1,
    rowsDropped: 0,
    skippedBy: [],
    label: profile(1),
    group: profile(Number.POSITIVE_INFINITY),
    facets: [{ profile: profile(Number.POSITIVE_INFINITY), slotKeys: [], slotGroups: [], cells: [] }],
  },
} as unknown as PartialTables;

const HOST: PartialCounts = {
  version: PARTIAL_VERSION,
  host: "algo-1",
  hosts: ["algo-1"],
  config: {},
  intervals: false,
  dataset: { datasetType: "text/csv", fieldCount: 2, labelIndex: 0, facetIndexes: [1] },
  files: [{ path: "a.csv", bytes: 10, tables: "partial/algo-1/0.json" }],
};
const ORIGIN = { source: "partial/algo-1.json", partial: HOST, index: 0 };

describe("the partial counts' JSON", () => {
  it("writes a maximum of infinity as the text Infinity and reads it back as infinity", () => {
    // Prepare
    const parsed = JSON.parse(partialJson(TABLES_OBJECT)) as { tables: { facets: { profile: unknown }[] } };
    const before = structuredClone(parsed);

    // Act
    const decoded = decodeTablesObject(parsed);

    // Assess
    expect(parsed.tables.facets[0]?.profile).toMatchObject({ max: "Infinity" });
    expect(decoded).toEqual(TABLES_OBJECT);
    expect(parsed).toEqual(before);
  });

  it("passes on a document of another shape as it is, for the check to name it", () => {
    // Prepare
    const documents = [null, [], { version: PARTIAL_VERSION }, { tables: { label: 3, facets: [7] } }];

    // Act
    const decoded = documents.map(decodeTablesObject);

    // Assess
    expect(decoded).toEqual(documents);
  });

  it("checks a decoded tables object without modifying it, and refuses an undecoded one", () => {
    // Prepare
    const parsed = JSON.parse(partialJson(TABLES_OBJECT)) as unknown;
    const decoded = decodeTablesObject(parsed);
    const before = structuredClone(decoded);

    // Act
    const tables = checkTablesObject(decoded, "partial/algo-1/0.json", ORIGIN);

    // Assess
    expect(tables.facets[0]?.profile.max).toBe(Number.POSITIVE_INFINITY);
    expect(decoded).toEqual(before);
    expect(() => checkTablesObject(parsed, "partial/algo-1/0.json", ORIGIN)).toThrow(PartialCountsError);
    expect(() => checkTablesObject(parsed, "partial/algo-1/0.json", ORIGIN)).toThrow(
      'tables.group.max must be a number or null, got "Infinity"',
    );
  });

  it("refuses a column profile without the kinds of its left-out cells, naming the field", () => {
    // Prepare: a version 3 profile (no leftOutKinds), and one with a bit beyond LEFT_OUT's
    const { leftOutKinds: _, ...older } = profile(1);
    const without = { ...TABLES_OBJECT, tables: { ...TABLES_OBJECT.tables, label: older } };
    const beyond = {
      ...TABLES_OBJECT,
      tables: { ...TABLES_OBJECT.tables, label: { ...profile(1), leftOutKinds: 16 } },
    };

    // Act
    const check = (object: unknown) => () => checkTablesObject(object, "partial/algo-1/0.json", ORIGIN);

    // Assess
    expect(check(without)).toThrow(
      "tables.label.leftOutKinds must be a whole number from 0 to 15, got undefined",
    );
    expect(check(beyond)).toThrow("tables.label.leftOutKinds must be a whole number from 0 to 15, got 16");
  });
});
