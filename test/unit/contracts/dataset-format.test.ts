import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CLARIFY_READABLE, datasetFormatProblem } from "../../../contracts/dataset-format.ts";

const CSV = 'Target,Sex,Income\n1,0,20000\n0,1,"30,000"\n';
const bytes = (text: string) => new TextEncoder().encode(text);

/** Deterministic bytes that are not text (every value 0..255 in a scrambled order). */
function binaryBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 197 + 31) % 256);
}

describe("datasetFormatProblem", () => {
  it.each([
    ["comma-separated CSV", CSV, "text/csv"],
    ["CSV with semicolons and tabs inside quoted fields", 'a,"x;y","p\tq"\n1,2,3\n', "text/csv"],
    ["a one-column CSV", "Target\n1\n0\n", "text/csv"],
    ["CSV after blank lines and a byte order mark", "\uFEFF\n\nTarget,Sex\n1,0\n", "text/csv"],
    ["JSON Lines (tabs are fine there)", '{"a":\t1}\n{"a": 2}\n', "application/jsonlines"],
    ["UTF-8 text", "Région,Âge\nÎle,30\n", "text/csv"],
  ])("accepts %s", (_case, text, datasetType) => {
    // Prepare / Act
    const problem = datasetFormatProblem(bytes(text), datasetType);
    // Assess
    expect(problem).toBeUndefined();
  });

  it("accepts a head that ends in the middle of a multi-byte character", () => {
    // Prepare: "é" is two bytes; the sample stops after the first.
    const head = bytes("Target,Région\n1,é").slice(0, -1);
    // Act
    const problem = datasetFormatProblem(head, "text/csv");
    // Assess
    expect(problem).toBeUndefined();
  });

  it.each([
    ["gzip", gzipSync(bytes(CSV)), "is gzip-compressed", "decompress it first (gunzip)"],
    [
      "ZIP",
      Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]),
      "is a ZIP archive",
      "extract the data file first",
    ],
    [
      "Parquet",
      Uint8Array.from([...bytes("PAR1"), 0x15, 0x04, 0x15, 0x00, 0x4c]),
      "is a Parquet file",
      'set dataset_type to "application/x-parquet"',
    ],
    ["UTF-16", Buffer.from(`\uFEFF${CSV}`, "utf16le"), "is UTF-16 text", "save it as UTF-8"],
  ])("names a %s file and what to do", (_case, head, what, fix) => {
    // Prepare / Act
    const problem = datasetFormatProblem(head, "text/csv");
    // Assess
    expect(problem).toBe(`${what}; ${CLARIFY_READABLE}: ${fix}`);
  });

  it("says a binary file is not text, for CSV and JSON Lines alike, without quoting its bytes", () => {
    // Prepare
    const head = binaryBytes(4096);
    // Act
    const problems = [
      datasetFormatProblem(head, "text/csv"),
      datasetFormatProblem(head, "application/jsonlines"),
    ];
    // Assess
    expect(problems).toEqual([
      `is not text (it holds binary bytes); ${CLARIFY_READABLE}`,
      `is not text (it holds binary bytes); ${CLARIFY_READABLE}`,
    ]);
  });

  it("says a file with NUL bytes is not text", () => {
    // Prepare
    const head = bytes("Target,Sex\n1,0\n\u0000\u0000\u0000");
    // Act
    const problem = datasetFormatProblem(head, "text/csv");
    // Assess
    expect(problem).toMatch(/^is not text/);
  });

  it.each([
    ["tab", CSV.replaceAll(",", "\t")],
    ["semicolon", CSV.replaceAll(",", ";")],
    ["pipe", CSV.replaceAll(",", "|")],
  ])("names a %s-delimited CSV", (name, text) => {
    // Prepare / Act
    const problem = datasetFormatProblem(bytes(text), "text/csv");
    // Assess
    expect(problem).toBe(
      `is ${name}-delimited (its first line has ${name}s and no commas); ${CLARIFY_READABLE}: save it with commas between fields`,
    );
  });

  it.each([
    ["JSON Lines", '{"features": [1, 0], "Target": 1}\n', "{"],
    ["a JSON array", '[\n  {"Target": 1}\n]\n', "["],
  ])("says %s given as text/csv holds JSON", (_case, text, first) => {
    // Prepare / Act
    const problem = datasetFormatProblem(bytes(text), "text/csv");
    // Assess
    expect(problem).toBe(
      `holds JSON, not CSV (its first line starts with "${first}"); for JSON Lines (one JSON object per line) set dataset_type to "application/jsonlines"`,
    );
  });

  it("says a CSV given as application/jsonlines is not JSON Lines, and what to set instead", () => {
    // Prepare / Act
    const problem = datasetFormatProblem(bytes(CSV), "application/jsonlines");
    // Assess
    expect(problem).toBe(
      'is not JSON Lines (its first line does not start with "{"); for CSV set dataset_type to "text/csv"',
    );
  });

  it("judges only text dataset types", () => {
    // Prepare
    const gzip = gzipSync(bytes(CSV));
    // Act
    const problems = ["application/x-parquet", "application/x-image", undefined].map((type) =>
      datasetFormatProblem(gzip, type),
    );
    // Assess
    expect(problems).toEqual([undefined, undefined, undefined]);
  });
});
