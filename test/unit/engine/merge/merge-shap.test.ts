import { describe, expect, it } from "vitest";
import {
  PARTIAL_VERSION,
  type PartialCounts,
  type PartialExplanations,
  shapObjectOf,
} from "../../../../contracts/partial-counts.ts";
import { GlobalShap } from "../../../../engine/explain/global-shap.ts";
import { checkPartial, mergePartials } from "../../../../engine/merge/merge-partials.ts";
import { isNumberText } from "../../../../engine/merge/merge-shap.ts";

const HOSTS = ["algo-1", "algo-2"];

/** A SHAP-only config: 2 features explained, one label. */
function config(shap: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dataset_type: "text/csv",
    headers: ["x", "color"],
    methods: { shap: { baseline: [[1, "red"]], save_local_shap_values: true, ...shap } },
  };
}

const DESCRIBED: PartialExplanations = {
  labels: ["label0"],
  features: ["x", "color"],
  expectedValues: [0.25],
  rowsExplained: 0,
  rowsDropped: 0,
  modelEvaluations: 0,
  textFeatures: ["color"],
  unseenBaseline: [],
};

/** A host file of `files` (path → local values text), checked as CollectResults checks it. */
function host(
  name: string,
  files: Record<string, string>,
  explanations: Partial<PartialExplanations> = {},
  raw = config(),
): PartialCounts {
  const entries = Object.entries(files);
  const rows = (text: string) => (text === "" ? 0 : text.trimEnd().split("\n").length);
  return checkPartial(
    {
      version: PARTIAL_VERSION,
      host: name,
      hosts: HOSTS,
      config: raw,
      intervals: false,
      files: entries.map(([path, text], index) => ({
        path,
        bytes: 10,
        shap: shapObjectOf(name, index),
        shapRows: rows(text),
      })),
      explanations: {
        ...DESCRIBED,
        rowsExplained: entries.reduce((sum, [, text]) => sum + rows(text), 0),
        ...explanations,
      },
    },
    `partial/${name}.json`,
  );
}

/** Merges, the local values objects read from the host files' `texts`; out.csv collected. */
async function merge(partials: PartialCounts[], texts: Record<string, string>[], maxShapBytes?: number) {
  const objects = new Map<string, string>();
  partials.forEach((partial, h) => {
    partial.files.forEach((file) => {
      objects.set(file.shap as string, texts[h]?.[file.path] as string);
    });
  });
  const pieces: string[] = [];
  const merged = await mergePartials(
    partials,
    async () => {
      throw new Error("no tables object is read without bias methods");
    },
    {
      // Each object in pieces of 5 characters, cut anywhere (inside a number, at a line end).
      loadShap: async (object) => {
        const text = objects.get(object) as string;
        return (async function* () {
          for (let at = 0; at < text.length; at += 5) yield text.slice(at, at + 5);
        })();
      },
      writeLocalValues: async (piece) => {
        pieces.push(piece);
      },
      ...(maxShapBytes !== undefined && { maxShapBytes }),
    },
  );
  return { merged, localValues: pieces.join("") };
}

const A = { "part-0.csv": "0.5,-0.25\n0.125,1e-7\n", "part-2.csv": "-3,0\n" };
const B = { "part-1.csv": "2,0.75\n" };

describe("the merge of the hosts' local SHAP values", () => {
  it.each([
    ["mean_abs", [(0.5 + 2 + 0.125 + 3) / 4, (0.25 + 0.75 + 1e-7 + 0) / 4]],
    ["median", [(0.125 + 0.5) / 2, (0 + 1e-7) / 2]],
    ["mean_sq", [(0.25 + 4 + 0.015625 + 9) / 4, (0.0625 + 0.5625 + 1e-14 + 0) / 4]],
  ])(
    "computes %s from the rows in the dataset's file order, and writes out.csv in that order",
    async (method, expected) => {
      // Prepare
      const raw = config({ agg_method: method });
      const partials = [host("algo-1", A, {}, raw), host("algo-2", B, {}, raw)];
      const global = new GlobalShap(2, method as "mean_abs");
      for (const row of [
        [0.5, -0.25],
        [0.125, 1e-7],
        [2, 0.75],
        [-3, 0],
      ]) {
        global.addRow((c) => row[c] as number);
      }

      // Act
      const { merged, localValues } = await merge(partials, [A, B]);

      // Assess
      const values = merged.analysis.explanations?.kernel_shap?.label0?.global_shap_values;
      expect(values).toEqual({ x: global.value(0), color: global.value(1) });
      expect(values?.x).toBeCloseTo(expected[0] as number, 12);
      expect(values?.color).toBeCloseTo(expected[1] as number, 12);
      expect(localValues).toBe("x_label0,color_label0\n0.5,-0.25\n0.125,1e-7\n2,0.75\n-3,0\n");
      expect(merged.context.dataset.files).toEqual([
        "input/data/part-0.csv",
        "input/data/part-1.csv",
        "input/data/part-2.csv",
      ]);
      expect(merged.explained).toEqual({
        rowsExplained: 4,
        rowsDropped: 0,
        modelEvaluations: 0,
        localValues: true,
      });
    },
  );

  it("refuses a baseline category as one instance does only when no host's shard holds it", async () => {
    // Prepare
    const red = '$.methods.shap.baseline[0][1]: "red" is not a category of feature "color" in the dataset';
    const seenByOne = [host("algo-1", A, { unseenBaseline: [red] }), host("algo-2", B)];
    const seenByNone = [
      host("algo-1", A, { unseenBaseline: [red] }),
      host("algo-2", B, { unseenBaseline: [red] }),
    ];

    // Act
    const merged = await merge(seenByOne, [A, B]);
    const refused = merge(seenByNone, [A, B]);

    // Assess
    expect(merged.merged.explained?.rowsExplained).toBe(4);
    await expect(refused).rejects.toThrow(red);
  });

  it("leaves out of the comparisons a host whose every row missed a value, and counts its rows dropped", async () => {
    // Prepare: its rows coded no baseline, and it read no feature as text
    const none = { "part-1.csv": "" };
    const partials = [
      host("algo-1", A),
      host("algo-2", none, {
        labels: [],
        features: [],
        expectedValues: [],
        textFeatures: [],
        rowsDropped: 2,
      }),
    ];

    // Act
    const { merged } = await merge(partials, [A, none]);

    // Assess
    expect(merged.explained).toMatchObject({ rowsExplained: 3, rowsDropped: 2 });
  });

  it("refuses baseline text as one instance does: a category where a host holds text, a number where every host holds numbers", async () => {
    // Prepare
    const red = '$.methods.shap.baseline[0][1]: "red" is not a category of feature "color" in the dataset';
    const numbers = { unseenBaseline: [red], numericOnlyFeatures: ["color"] };
    const textOnOne = [host("algo-1", A, { unseenBaseline: [red] }), host("algo-2", B, numbers)];
    const numbersOnAll = [host("algo-1", A, numbers), host("algo-2", B, numbers)];

    // Act
    const category = merge(textOnOne, [A, B]);
    const numeric = merge(numbersOnAll, [A, B]);

    // Assess
    await expect(category).rejects.toThrow(red);
    await expect(numeric).rejects.toThrow(
      '$.methods.shap.baseline[0][1]: "red" is not a number, and feature "color" is numeric',
    );
  });

  it("refuses hosts that explained against different expected values, or read a feature as text and as numbers", async () => {
    // Prepare
    const expected = [host("algo-1", A), host("algo-2", B, { expectedValues: [0.5] })];
    const kinds = [host("algo-1", A), host("algo-2", B, { textFeatures: [] })];

    // Act
    const differs = merge(expected, [A, B]);
    const mixed = merge(kinds, [A, B]);

    // Assess
    await expect(differs).rejects.toThrow(
      "host algo-2: explanations.expectedValues [0.5] differs from host algo-1's [0.25]: the hosts did not explain one model against one baseline",
    );
    await expect(mixed).rejects.toThrow(
      `feature "color" holds text in host algo-1's files but only numbers in host algo-2's`,
    );
  });

  it("refuses agg_method median when every row's values would not fit, naming the figures", async () => {
    // Prepare
    const raw = config({ agg_method: "median" });
    const partials = [host("algo-1", A, {}, raw), host("algo-2", B, {}, raw)];

    // Act
    const refused = merge(partials, [A, B], 63);

    // Assess: 4 rows × 1 label × 2 features × 8 bytes = 64 bytes
    await expect(refused).rejects.toThrow(
      /^agg_method "median" needs every row's local value at once: 4 rows × 1 label × 2 features take 1 KB, more than this function holds \(1 KB\); use agg_method "mean_abs" or "mean_sq"/,
    );
  });

  it("refuses a local values object whose lines do not match what its host file says", async () => {
    // Prepare
    const partials = [host("algo-1", A), host("algo-2", B)];
    const short = { "part-1.csv": "2\n" };
    const text = { "part-1.csv": "2,oops\n" };
    const unended = { "part-1.csv": "2,0.75" };

    // Act
    const fewer = merge(partials, [A, short]);
    const notANumber = merge(partials, [A, text]);
    const cut = merge(partials, [A, unended]);

    // Assess
    await expect(fewer).rejects.toThrow(
      'partial/algo-2/0.shap.csv (host algo-2, files[0] "part-1.csv"): line 1 holds 1 values, expected 2',
    );
    await expect(notANumber).rejects.toThrow(
      'partial/algo-2/0.shap.csv (host algo-2, files[0] "part-1.csv"): line 1 holds "oops", not a number as a host writes it',
    );
    for (const line of ["2,", ",0.75", " 2,0.75", "0x10,1", "2,0.750", "2,+1", "-0,1", "NaN,Infinity"]) {
      const written = merge(partials, [A, { "part-1.csv": `${line}\n` }]);
      if (line === "NaN,Infinity") await expect(written).resolves.toBeDefined();
      else await expect(written, line).rejects.toThrow("not a number as a host writes it");
    }
    await expect(cut).rejects.toThrow(
      'partial/algo-2/0.shap.csv (host algo-2, files[0] "part-1.csv"): the last line must end with a line end',
    );
    const extra = merge(partials, [A, { "part-1.csv": "2,0.75\n1,1\n" }]);
    await expect(extra).rejects.toThrow(
      'partial/algo-2/0.shap.csv (host algo-2, files[0] "part-1.csv"): more lines of local values than the host file\'s 1 row',
    );
  });

  it("refuses a host file whose rows explained are not its files' local values", () => {
    // Prepare
    const noObject = {
      version: PARTIAL_VERSION,
      host: "algo-1",
      hosts: HOSTS,
      config: config(),
      intervals: false,
      files: [{ path: "part-0.csv", bytes: 10 }],
      explanations: { ...DESCRIBED, rowsExplained: 0 },
    };

    // Act
    const more = () => host("algo-1", A, { rowsExplained: 4 });
    const missing = () => checkPartial(noObject, "partial/algo-1.json");

    // Assess: A's files hold 3 rows
    expect(more).toThrow(
      "partial/algo-1.json (host algo-1): explanations.rowsExplained must be the files' shapRows added up, 3, got 4",
    );
    expect(missing).toThrow(
      "partial/algo-1.json (host algo-1): files[0].shap must name its local values object when the host explained rows, got undefined",
    );
  });

  it("refuses a job whose hosts explained no row, as one instance refuses a dataset of no row left", async () => {
    // Prepare
    const none = { "part-0.csv": "" };
    const partials = [host("algo-1", none, { rowsDropped: 3 }), host("algo-2", {}, { rowsDropped: 2 })];

    // Act
    const refused = merge(partials, [none, {}]);

    // Assess
    await expect(refused).rejects.toThrow("no row is left to explain: every row misses a feature value");
  });
});

describe("a local value's text", () => {
  it("is taken exactly when it is written as String(value) writes a double", () => {
    // Prepare: doubles of every shape String writes, and texts it never writes
    const doubles = [
      0,
      -0,
      1,
      -1,
      0.5,
      1e-7,
      -2.5e-8,
      1e21,
      1.7976931348623157e308,
      5e-324,
      123456.789,
      0.1 + 0.2,
    ];
    const others = [
      "",
      " 1",
      "1 ",
      "+1",
      "01",
      "-01",
      "1.",
      ".5",
      "0.50",
      "1.0",
      "1e21",
      "1E+21",
      "1e+021",
      "0x10",
      "1e",
      "1e+",
      "--1",
      "-",
      "Inf",
      "nan",
      "1,5",
    ];
    const bits = new Uint32Array(20_000);
    let state = 7;
    for (let i = 0; i < bits.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bits[i] = state;
    }
    const random = Array.from(new Float64Array(bits.buffer)).filter((v) => Number.isFinite(v));
    // Act
    const written = [...doubles, ...random].map((v) => isNumberText(String(v)));
    const refused = others.filter((t) => isNumberText(t));
    // Assess
    expect(written.every(Boolean)).toBe(true);
    expect(refused).toEqual([]);
    expect(["NaN", "Infinity", "-Infinity"].every(isNumberText)).toBe(true);
  });
});
