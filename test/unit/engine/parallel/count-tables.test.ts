import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectCounts } from "../../../../engine/aggregate/collect-counts.ts";
import {
  CountsFold,
  type CountTables,
  fromCountTables,
  mergeCounts,
  type ProfileTable,
  toCountTables,
} from "../../../../engine/aggregate/count-tables.ts";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import type { FilePart } from "../../../../engine/io/table-reader.ts";
import { type CountJob, planSpec } from "../../../../engine/parallel/count-job.ts";
import { countHere, countJob } from "../../../../engine/parallel/count-worker.ts";
import { type BiasDataset, biasResult, openBiasDataset } from "../../../../engine/run-bias-analysis.ts";
import { seededRandom } from "../../../../engine/seeded-random.ts";

const HEADER = "sex,age,y,yhat,g,score";

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: ["yes"],
  facet: [
    { name_or_index: "sex", value_or_threshold: ["F"] },
    { name_or_index: "age", value_or_threshold: [30] },
    { name_or_index: "g" },
  ],
  group_variable: "g",
  predicted_label: "yhat",
  methods: {
    pre_training_bias: { methods: "all" },
    post_training_bias: { methods: "all" },
  },
};

/** Rows that exercise the typing facts too: missing cells, text among numbers, floats, quoted fields. */
const row = fc.record({
  sex: fc.constantFrom("F", "M", "X", "", '"F"', '"a, b"'),
  age: fc.oneof(
    { arbitrary: fc.integer({ min: 18, max: 70 }).map(String), weight: 20 },
    { arbitrary: fc.constantFrom("", "31.5", "n/a", "NaN"), weight: 1 },
  ),
  y: fc.constantFrom("yes", "no", "no", ""),
  yhat: fc.constantFrom("yes", "no", '"yes"'),
  g: fc.constantFrom("a", "b", "c", '"d\ne"'),
  score: fc.oneof(fc.integer({ min: 0, max: 9 }).map(String), fc.constantFrom("", "x")),
});
type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

function config() {
  const parsed = parseAnalysisConfig(CONFIG);
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

/** The analysis (or its error) from the given counts. */
function outcome(dataset: BiasDataset, counts: () => ReturnType<typeof collectCounts>): string {
  try {
    const result = biasResult(config(), dataset, counts());
    return JSON.stringify([result.analysis, result.context, result.tables]);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe("mergeCounts", () => {
  it("gives the analysis of one pass however the rows are cut, merged from the left or the right or into a thread's own counts", () => {
    const dir = mkdtempSync(join(tmpdir(), "merge-"));
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (rows: Row[], cutSeeds: number[]) => {
          // Prepare
          const lines = rows.map((r) => [r.sex, r.age, r.y, r.yhat, r.g, r.score].join(","));
          const text = `${HEADER}\n${lines.join("\n")}\n`;
          const path = join(dir, `data-${n++}.csv`);
          writeFileSync(path, text);
          const starts: number[] = [];
          let offset = Buffer.byteLength(`${HEADER}\n`);
          for (const line of lines) {
            starts.push(offset);
            offset += Buffer.byteLength(`${line}\n`);
          }
          const cuts = [...new Set(cutSeeds.map((seed) => starts[seed % starts.length] as number))].sort(
            (x, y) => x - y,
          );
          const bounds = [0, ...cuts.filter((cut) => cut > 0), offset];
          const dataset = openBiasDataset(config(), path);
          try {
            // Act
            const job = (i: number): CountJob => ({
              kind: "clarify-count-job",
              parts: [{ path, start: bounds[i] as number, end: bounds[i + 1] as number }],
              format: dataset.format,
              ...(dataset.reader.headers && { firstFileHeaders: dataset.reader.headers }),
              fieldCount: dataset.fieldCount,
              plan: planSpec(dataset.plan),
            });
            const parts: CountTables[] = [];
            for (let i = 0; i + 1 < bounds.length; i++) parts.push(countJob(job(i)));
            // As the first thread folds: from its own counts of the first run, as the pass left them.
            const here = countHere(job(0));
            if (!here.ok) throw new Error(here.message);
            const foldedHere = parts
              .slice(1)
              .reduce((fold, part) => fold.add(part), new CountsFold(here.counts))
              .counts();
            const fromLeft = parts.slice(1).reduce(mergeCounts, parts[0] as CountTables);
            const fromRight = parts
              .slice(0, -1)
              .reduceRight((b, a) => mergeCounts(a, b), parts.at(-1) as CountTables);
            const folded = parts
              .slice(1)
              .reduce(
                (fold, part) => fold.add(part),
                new CountsFold(fromCountTables(parts[0] as CountTables)),
              )
              .tables();
            const onePass = outcome(dataset, () =>
              collectCounts(dataset.reader, dataset.plan, dataset.fieldCount),
            );

            // Assess
            expect(JSON.parse(JSON.stringify(fromLeft))).toEqual(JSON.parse(JSON.stringify(fromRight)));
            expect(folded).toEqual(fromLeft);
            expect(outcome(dataset, () => fromCountTables(fromLeft))).toBe(onePass);
            expect(outcome(dataset, () => foldedHere)).toBe(onePass);
            expect(toCountTables(foldedHere, foldedHere.columnDtypes)).toEqual(fromLeft);
          } finally {
            dataset.close();
          }
        },
      ),
      { numRuns: 150, seed: 20261201 },
    );
  });
});

/** Tables of a facet whose dictionary holds 3 values at most, with `values` seen in that order. */
function smallTables(values: string[], numeric: boolean, group: string[]): CountTables {
  const profile = (list: string[], capacity: number): ProfileTable => {
    const distinct = [...new Set(list)];
    const kept = distinct.slice(0, capacity);
    return {
      capacity,
      values: kept,
      rowsOf: kept.map((v) => list.filter((x) => x === v).length),
      overflowed: distinct.length > capacity,
      count: list.length,
      missing: 0,
      allNumeric: numeric,
      allInteger: numeric,
      max: numeric ? Math.max(...list.map(Number)) : null,
      leftOutKinds: 0,
    };
  };
  const facet = profile(values, 3);
  const groups = profile(group, 100);
  const slots = values.map((v, row) => {
    const id = facet.values.indexOf(v);
    return [(id + 1) * 4 + (row % 4), groups.values.indexOf(group[row] as string)] as const;
  });
  const unique = [...new Map(slots.map(([k, g]) => [`${k}/${g}`, [k, g] as const])).values()];
  return {
    rowsRead: values.length,
    rowsDropped: 1,
    skippedBy: [["label", 1]],
    label: profile(group, 10),
    group: groups,
    facets: [
      {
        profile: facet,
        slotKeys: unique.map(([k]) => k),
        slotGroups: unique.map(([, g]) => g),
        cells: unique.flatMap(([k, g], slot) => Array.from({ length: 16 }, (_, c) => k + g + slot + c)),
      },
    ],
  };
}

describe("CountsFold", () => {
  it("folds tables in order as chained mergeCounts do, past a full dictionary and a column turning to text", () => {
    // Prepare
    const parts = [
      smallTables(["1", "2", "1"], true, ["a", "b", "a"]),
      smallTables(["3", "9", "2"], true, ["b", "c", "c"]),
      smallTables(["x", "4", "1"], false, ["d", "a", "b"]),
      smallTables(["7", "5", "5"], true, ["a", "e", "e"]),
    ];

    // Act
    const fold = new CountsFold(fromCountTables(parts[0] as CountTables));
    for (const part of parts.slice(1)) fold.add(part);

    // Assess
    const reduced = parts.slice(1).reduce(mergeCounts, parts[0] as CountTables);
    const tables = fold.tables();
    expect(tables).toEqual(reduced);
    expect(tables.facets[0]?.profile).toEqual({
      capacity: 3,
      values: ["1", "2", "3"],
      rowsOf: [3, 2, 1],
      overflowed: true,
      count: 12,
      missing: 0,
      allNumeric: false,
      allInteger: false,
      max: 9,
      leftOutKinds: 0,
    });
    expect(tables.group?.values).toEqual(["a", "b", "c", "d", "e"]);
    expect(tables.group?.rowsOf).toEqual([4, 3, 2, 1, 2]);
    expect([tables.rowsRead, tables.rowsDropped, tables.skippedBy]).toEqual([12, 4, [["label", 4]]]);
    const cellSum = (cells: readonly number[]) => cells.reduce((sum, cell) => sum + cell, 0);
    expect(cellSum(tables.facets[0]?.cells ?? [])).toBe(
      parts.reduce((sum, part) => sum + cellSum(part.facets[0]?.cells ?? []), 0),
    );
  });
});

describe("CountsFold of later tables", () => {
  it("keeps a dictionary overflowed when only a later table overflowed its own", () => {
    // Prepare: the first table holds one value; the second filled its dictionary of 3 and
    // refused a 4th value, yet the values it kept fit in the fold's dictionary
    const first = smallTables(["1", "1"], true, ["a", "a"]);
    const later = smallTables(["1", "2", "3", "4"], true, ["a", "a", "a", "a"]);

    // Act
    const tables = new CountsFold(fromCountTables(first)).add(later).tables();

    // Assess: the merged dictionary has room for the later values, yet the column had more than it holds
    expect(later.facets[0]?.profile.overflowed).toBe(true);
    expect(tables.facets[0]?.profile).toMatchObject({ values: ["1", "2", "3"], overflowed: true });
  });

  it("leaves tables it gave unchanged when it folds more", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "fold-snapshot-"));
    const path = join(dir, "data.csv");
    writeFileSync(path, `${FT_HEADER}\n${ftRows(0, 40).join("\n")}\n`);
    const dataset = openBiasDataset(ftConfig(), path);
    try {
      const tables = countJob(wholeFileJob(dataset, path));
      const fold = new CountsFold(fromCountTables(tables));

      // Act
      const snapshot = fold.tables();
      const before = JSON.stringify(snapshot);
      fold.add(tables);

      // Assess
      expect(snapshot.features?.predictedCodes).toHaveLength(40);
      expect(JSON.stringify(snapshot)).toBe(before);
    } finally {
      dataset.close();
    }
  });

  it("renumbers the facet keys of a later run's FT rows: FT per facet value equals one pass's", () => {
    // Prepare: numeric columns only; the facet's values first appear in one order in the first
    // half of the rows and in another in the second (so the second run's value ids differ)
    const dir = mkdtempSync(join(tmpdir(), "fold-ft-"));
    const path = join(dir, "data.csv");
    const text = `${FT_HEADER}\n${[...ftRows(0, 300), ...ftRows(1, 300)].join("\n")}\n`;
    writeFileSync(path, text);
    const dataset = openBiasDataset(ftConfig(), path);
    try {
      const middle = text.indexOf("\n", text.length >> 1) + 1;
      const job = wholeFileJob(dataset, path);
      const [whole] = job.parts as [FilePart];
      const here = countHere({ ...job, parts: [{ ...whole, end: middle }] });
      if (!here.ok) throw new Error(here.message);
      const later = countJob({ ...job, parts: [{ ...whole, start: middle }] });

      // Act
      const folded = new CountsFold(here.counts).add(later).counts();

      // Assess: FT is computed for every facet value, as one pass computes it
      const onePass = biasResult(
        ftConfig(),
        dataset,
        collectCounts(dataset.reader, dataset.plan, dataset.fieldCount),
      );
      const ft = (analysis: unknown) =>
        (
          analysis as {
            post_training_bias_metrics: { facets: { f: { metrics: { name: string; value: unknown }[] }[] } };
          }
        ).post_training_bias_metrics.facets.f.map(
          (group) => group.metrics.find((m) => m.name === "FT")?.value,
        );
      expect(ft(onePass.analysis)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
      expect(JSON.stringify(biasResult(ftConfig(), dataset, folded).analysis)).toBe(
        JSON.stringify(onePass.analysis),
      );
    } finally {
      dataset.close();
    }
  });
});

const FT_HEADER = "f,g,x,y,yhat";

/**
 * `n` rows of numbers only for FT: facet f of 3 values (5, 15, 25), in ascending order of first
 * appearance for `order` 0 and descending for 1; a label that depends on x and f; predictions
 * that mostly follow it.
 */
function ftRows(order: 0 | 1, n: number): string[] {
  const random = seededRandom(41 + order);
  return Array.from({ length: n }, (_, i) => {
    const step = order === 0 ? i % 3 : 2 - (i % 3);
    const x = Math.floor(random() * 10);
    const y = (x + step) % 2;
    const yhat = random() < 0.8 ? y : 1 - y;
    return [step * 10 + 5, Math.floor(random() * 3), x, y, yhat].join(",");
  });
}

function ftConfig() {
  const parsed = parseAnalysisConfig({
    dataset_type: "text/csv",
    label: "y",
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "f" }],
    predicted_label: "yhat",
    methods: { post_training_bias: { methods: ["FT"] } },
  });
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

function wholeFileJob(dataset: BiasDataset, path: string): CountJob {
  return {
    kind: "clarify-count-job",
    parts: [{ path, start: 0, end: statSync(path).size }],
    format: dataset.format,
    ...(dataset.reader.headers && { firstFileHeaders: dataset.reader.headers }),
    fieldCount: dataset.fieldCount,
    plan: planSpec(dataset.plan),
  };
}

describe("mergeCounts of group variables", () => {
  it("refuses a group variable whose merged values overflow its dictionary, naming the field", () => {
    // Prepare
    const withGroupCapacity = (tables: CountTables, capacity: number): CountTables => ({
      ...tables,
      group: { ...(tables.group as ProfileTable), capacity },
    });
    const a = withGroupCapacity(smallTables(["1", "2"], true, ["a", "b"]), 2);
    const b = withGroupCapacity(smallTables(["1", "2"], true, ["b", "c"]), 2);

    // Act
    const merge = () => mergeCounts(a, b);
    const fold = () => new CountsFold(fromCountTables(a)).add(b);

    // Assess
    for (const act of [merge, fold]) {
      expect(act).toThrow(
        expect.objectContaining({
          name: "EngineInputError",
          message: "group_variable has more than 10000 distinct values; it must be categorical",
        }),
      );
    }
    expect(mergeCounts(a, withGroupCapacity(smallTables(["1"], true, ["b"]), 2)).group?.values).toEqual([
      "a",
      "b",
    ]);
  });
});
