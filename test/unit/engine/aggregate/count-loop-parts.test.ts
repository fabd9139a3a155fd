import { describe, expect, it } from "vitest";
import { ABOVE, CellReading, MATCHED } from "../../../../engine/aggregate/cell-reading.ts";
import { ColumnProfile } from "../../../../engine/aggregate/column-profile.ts";
import { isMissing } from "../../../../engine/aggregate/missing-value.ts";
import { SlotIndex } from "../../../../engine/aggregate/slot-index.ts";
import { ValueDictionary } from "../../../../engine/aggregate/value-dictionary.ts";
import { ValueMatcher } from "../../../../engine/aggregate/value-matcher.ts";

const bytes = (text: string) => Buffer.from(text, "latin1");
const missing = (text: string) => isMissing(bytes(text), 0, text.length);

describe("isMissing", () => {
  it("is true for an empty cell and for each of pandas' NA spellings, inside a larger buffer too", () => {
    // Prepare
    const spellings = ["#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN"];
    spellings.push("<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null");
    const row = bytes(`x,${spellings.join(",")},y`);

    // Act
    let at = 2;
    const found = spellings.map((spelling) => {
      const result = isMissing(row, at, at + spelling.length);
      at += spelling.length + 1;
      return result;
    });

    // Assess
    expect(missing("")).toBe(true);
    expect(found).toEqual(spellings.map(() => true));
  });

  it("is false for values that only share a prefix, a first byte or a length with an NA spelling, and for None (pandas 1.5 reads it as text)", () => {
    // Prepare
    const values = [
      "N",
      "Na",
      "NAN",
      "nan ",
      " nan",
      "north",
      "null1",
      "Nonf",
      "None",
      "1.#INF",
      "-1",
      "-NaM",
      "1",
      "#N/B",
    ];

    // Act
    const results = values.map(missing);

    // Assess
    expect(results).toEqual(values.map(() => false));
  });
});

describe("SlotIndex", () => {
  it("gives each new pair the next slot and finds it again, small pairs and large ones, after the table grows", () => {
    // Prepare: pairs of small facet keys and groups (direct table) mixed with large ones (hash table)
    const index = new SlotIndex();
    const pairs = Array.from({ length: 6000 }, (_, i) =>
      i % 3 === 0 ? [i % 256, (i >> 8) % 64] : [4 * (i + 300), i % 5000],
    ) as [number, number][];
    const unique = [...new Map(pairs.map((pair) => [pair.join(), pair])).values()];

    // Act
    const added = unique.map(([key, group]) => index.add(key, group, 10_000));
    const found = unique.map(([key, group]) => index.get(key, group, 10_000));

    // Assess
    expect(added).toEqual(unique.map((_, i) => i));
    expect(found).toEqual(added);
    expect(index.get(7, 63, 10_000)).toBe(-1);
    expect(index.get(40_000, 9_999, 10_000)).toBe(-1);
    expect(index.size).toBe(unique.length);
  });
});

describe("CellReading", () => {
  it("reads a value the same way every time, and compares numbers only while the column holds numbers only", () => {
    // Prepare: the configured value 1 matches the cell 1.0 as a number, until the column's first text cell
    const profile = new ColumnProfile(100);
    const reading = new CellReading(new ValueMatcher([1]), 0.5);
    const read = (cell: string) => {
      const id = profile.observe(bytes(cell), 0, cell.length);
      return reading.read(profile, id, bytes(cell), 0, cell.length);
    };

    // Act
    const before = [read("1.0"), read("1.0"), read("0"), read("1")];
    const text = read("yes");
    const after = [read("1.0"), read("1"), read("0")];

    // Assess
    expect(before).toEqual([MATCHED | ABOVE, MATCHED | ABOVE, 0, MATCHED | ABOVE]);
    expect(text).toBe(0);
    expect(after).toEqual([0, MATCHED, 0]);
  });

  it("reads cells past a full dictionary (no value id) from their bytes", () => {
    // Prepare
    const profile = new ColumnProfile(1);
    const reading = new CellReading(new ValueMatcher(["b"]), undefined);
    const read = (cell: string) => {
      const id = profile.observe(bytes(cell), 0, cell.length);
      return [id, reading.read(profile, id, bytes(cell), 0, cell.length)];
    };

    // Act
    const cells = [read("a"), read("b"), read("c"), read("b")];

    // Assess
    expect(cells).toEqual([
      [0, 0],
      [-1, MATCHED],
      [-1, 0],
      [-1, MATCHED],
    ]);
  });
});

describe("ValueMatcher.matchesParsed", () => {
  it("matches a cell read as a number by its number, and by its text where a configured text is no configured number", () => {
    // Prepare: a column of numbers; configured 5000 and the text "1e3" (Python's float() reads 1000);
    // text matching compares no numbers, so the cell "5000" matches the text "5000" by its bytes only
    const numbers = new ValueMatcher([5000, "1e3"]);
    const texts = new ValueMatcher(["5000"], "text");
    const matches = (matcher: ValueMatcher, cell: string, lastNumber: number) =>
      matcher.matchesParsed(bytes(cell), 0, cell.length, { lastNumber });

    // Act
    const byNumber = [
      matches(numbers, "5000", 5000),
      matches(numbers, "5000.0", 5000),
      matches(numbers, "1e3", 1000),
      matches(numbers, "1000", 1000),
      matches(numbers, "4999.99", 4999.99),
      matches(numbers, "1e3", Number.NaN),
    ];
    const byText = [
      matches(texts, "5000", 5000),
      matches(texts, "5000.0", 5000),
      matches(texts, "5000", Number.NaN),
    ];

    // Assess: a cell whose column holds text by now (NaN) still matches its configured text
    expect(byNumber).toEqual([true, true, true, true, false, true]);
    expect(byText).toEqual([true, false, true]);
  });
});

describe("ValueDictionary", () => {
  it("tells apart values of every length, values sharing their first 8 bytes and long values sharing a prefix", () => {
    // Prepare: short values, values equal but for one byte after the 8th, 2,000 ids with a long common prefix
    const values = [
      "",
      "a",
      "ab",
      "abc",
      "abcd",
      "abcde",
      "abcdefgh",
      "abcdefghi",
      "abcdefghj",
      "abcdefgh\u00ff",
    ];
    values.push("\u0000", "\u0000\u0000", "1", "1.0", "female", "customer_", "customer_0");
    for (let i = 0; i < 2000; i++) values.push(`customer_${String(i).padStart(8, "0")}`);
    const dictionary = new ValueDictionary(10_000);
    const cell = (text: string) => {
      const row = Buffer.from(`x,${text},y`, "latin1");
      return [row, 2, 2 + Buffer.byteLength(text, "latin1")] as const;
    };

    // Act
    const ids = values.map((value) => dictionary.idOf(...cell(value)));
    const again = values.map((value) => dictionary.find(...cell(value)));

    // Assess
    expect(ids).toEqual(values.map((_, i) => i));
    expect(again).toEqual(ids);
    expect(values.map((_, id) => dictionary.bytes(id).toString("latin1"))).toEqual(values);
    expect(dictionary.find(...cell("abcdefghk"))).toBe(-1);
  });

  it("once full, finds each value it holds and no other, among many distinct numbers", () => {
    // Prepare: a facet's capacity of prices, then 200,000 other prices (a column past its dictionary)
    const dictionary = new ValueDictionary(10_000);
    const price = (i: number) => bytes((i * 0.37).toFixed(2));
    const learnt = Array.from({ length: 10_000 }, (_, i) => {
      const cell = price(i);
      return dictionary.idOf(cell, 0, cell.length);
    });

    // Act
    const held = Array.from({ length: 10_000 }, (_, i) => {
      const cell = price(i);
      return dictionary.find(cell, 0, cell.length);
    });
    const others = Array.from({ length: 200_000 }, (_, i) => {
      const cell = price(10_000 + i);
      return dictionary.idOf(cell, 0, cell.length);
    });

    // Assess
    expect(learnt).toEqual(learnt.map((_, i) => i));
    expect(held).toEqual(learnt);
    expect(others.filter((id) => id !== -1)).toEqual([]);
    expect(dictionary.size).toBe(10_000);
  });

  it("learns the value its last lookup missed, until it is full", () => {
    // Prepare
    const dictionary = new ValueDictionary(2);
    const learn = (text: string) => {
      const bytes = Buffer.from(text, "latin1");
      const found = dictionary.find(bytes, 0, bytes.length);
      return found === -1 ? dictionary.learnMissed(bytes, 0, bytes.length) : found;
    };

    // Act
    const ids = ["x", "y", "x", "z", "y"].map(learn);

    // Assess
    expect(ids).toEqual([0, 1, 0, -1, 1]);
    expect(dictionary.overflowed).toBe(true);
    expect(dictionary.size).toBe(2);
  });
});
