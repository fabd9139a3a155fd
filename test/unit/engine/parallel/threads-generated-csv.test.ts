import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";

const CONFIG = {
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  methods: { pre_training_bias: { methods: "all" } },
};

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** A note as written in the file: quoted text of commas, quotes, CR, LF, CRLF and non-ASCII, or plain text. */
const note = fc.oneof(
  fc
    .array(fc.constantFrom("a", "z", " ", "é", "中", "😀", ",", '"', "\n", "\r", "\r\n", "\n\n"), {
      maxLength: 30,
    })
    .map((chars) => quote(chars.join(""))),
  fc.array(fc.constantFrom("a", "b", "7", " ", "é", "\r"), { maxLength: 10 }).map((chars) => chars.join("")),
);
/** One record as written (the facet and label sometimes quoted, a stray CR after a closing quote), and its values. */
const record = fc
  .record({
    note,
    sex: fc.constantFrom("F", "M", "X"),
    approved: fc.constantFrom("yes", "no"),
    quoteSex: fc.boolean(),
    quoteLabel: fc.boolean(),
    strayCr: fc.boolean(),
    lineBreak: fc.constantFrom("\n", "\r\n"),
    blankAfter: fc.constantFrom("", "", "", "", "\n", "\r\n"),
  })
  .map((r) => ({
    sex: r.sex,
    approved: r.approved,
    text:
      `${r.note},${r.quoteSex ? quote(r.sex) + (r.strayCr ? "\r" : "") : r.sex},` +
      `${r.quoteLabel ? quote(r.approved) : r.approved}${r.lineBreak}${r.blankAfter}`,
  }));

async function run(datasetPath: string, threads: number) {
  const outDir = mkdtempSync(join(tmpdir(), `generated-${threads}-`));
  const result = await analyze({
    datasetPath,
    config: CONFIG,
    outDir,
    threads: { threads, minBytesPerThread: 0 },
  });
  return {
    threads: result.threads,
    analysis: readFileSync(result.analysisPath, "utf8"),
    context: readFileSync(result.contextPath, "utf8"),
  };
}

describe("the count pass on generated quoted CSVs", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`counts the rows as written, the same on 1 and 2 threads (seed ${seed})`, async () => {
      // Prepare: 3,000 records whose quoted notes hold line breaks, commas and quotes
      const records = fc.sample(record, { numRuns: 3000, seed });
      const path = join(mkdtempSync(join(tmpdir(), "generated-csv-")), "notes.csv");
      writeFileSync(path, `note,sex,approved\n${records.map((r) => r.text).join("")}`);

      // Act
      const one = await run(path, 1);
      const two = await run(path, 2);

      // Assess: the counts are the generated rows'; two threads write the same bytes as one
      const context = JSON.parse(one.context);
      const women = records.filter((r) => r.sex === "F");
      expect(context.dataset.rowsRead).toBe(records.length);
      expect(context.facets[0].groups[0].facet).toEqual({
        rows: women.length,
        labelPositive: women.filter((r) => r.approved === "yes").length,
      });
      expect(context.facets[0].groups[0].others.rows).toBe(records.length - women.length);
      expect(two.threads).toBe(2);
      expect({ ...two, threads: 1 }).toEqual(one);
    }, 60_000);
  }
});
