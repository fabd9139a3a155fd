/**
 * The number grammar of a CSV cell is pandas' C reader's (read_csv, default options), written
 * out here per case from pandas' source, not from the engine's code:
 * - a column is int64 when every cell passes `str_to_int64` (tokenizer.c): C-locale spaces
 *   (space \t \n \v \f \r, not 0xA0), an optional sign, decimal digits, spaces; beyond int64 it
 *   tries `str_to_uint64` (non-negative, up to 18446744073709551615) and otherwise leaves the
 *   column as text (`object`);
 * - else float64 when every cell passes `precise_xstrtod` with nothing left over: spaces, sign,
 *   digits with an optional `.` (at least one digit in all), an exponent `e`/`E` with an
 *   optional sign and 1 to 17 digits, spaces; an error (ERANGE) when the decimal exponent
 *   exceeds 308 or the result overflows;
 * - or, when that fails, the whole cell (no spaces) equals "inf", "+inf", "-inf", "infinity",
 *   "+infinity" or "-infinity" ignoring case (`strcasecmp` in parsers.pyx `_try_double`).
 * Anything else is text.
 */
import { describe, expect, it } from "vitest";
import {
  numberParse,
  parseNumber,
  parseNumberInto,
  parseNumberText,
} from "../../../../engine/io/parse-number.ts";

type Reading = ["integer" | "float", number] | ["text"];

const CASES: readonly [cell: string, pandas: Reading, why: string][] = [
  // The fast paths' cases.
  ["-12", ["integer", -12], "sign and digits"],
  ["+5", ["integer", 5], "str_to_int64 takes a '+'"],
  ["007", ["integer", 7], "leading zeros are digits"],
  ["3.25", ["float", 3.25], "a decimal point makes precise_xstrtod's maybe_int 0"],
  ["5.", ["float", 5], "digits before the point suffice"],
  [".5", ["float", 0.5], "digits after the point suffice"],
  ["-.5e-3", ["float", -0.0005], "sign, fraction and signed exponent"],
  ["1E3", ["float", 1000], "an exponent makes a float, either letter case"],
  // Spaces: isspace_ascii is space, \t, \n, \v, \f, \r, skipped before and after.
  [" 12 ", ["integer", 12], "str_to_int64 skips spaces on both sides"],
  ["\t-3.5e2\r", ["float", -350], "precise_xstrtod skips spaces on both sides"],
  ["\v7\f", ["integer", 7], "\\v and \\f are C spaces"],
  ["12\u00a0", ["text"], "0xA0 (latin1 no-break space) is not a C-locale space"],
  ["\u00a012", ["text"], "nor before the number"],
  // Not pandas numbers, although JavaScript's Number reads them.
  ["0x1A", ["text"], "no hexadecimal: precise_xstrtod stops at 'x'"],
  ["0X1F", ["text"], "nor with a capital X"],
  ["0b101", ["text"], "no binary"],
  ["0o17", ["text"], "no octal"],
  ["1_000", ["text"], "no digit separators without `thousands`"],
  [" Infinity", ["text"], "the infinity spellings are compared with the whole cell, spaces included"],
  // Infinity: strcasecmp against six spellings, after precise_xstrtod failed.
  ["inf", ["float", Number.POSITIVE_INFINITY], '"inf"'],
  ["INF", ["float", Number.POSITIVE_INFINITY], "any letter case"],
  ["+Inf", ["float", Number.POSITIVE_INFINITY], '"+inf"'],
  ["-INF", ["float", Number.NEGATIVE_INFINITY], '"-inf"'],
  ["infinity", ["float", Number.POSITIVE_INFINITY], '"infinity"'],
  ["+INFINITY", ["float", Number.POSITIVE_INFINITY], '"+infinity"'],
  ["-Infinity", ["float", Number.NEGATIVE_INFINITY], '"-infinity"'],
  ["inf ", ["text"], "a trailing space breaks strcasecmp"],
  ["infinit", ["text"], "no other spelling"],
  ["nan", ["text"], "NaN spellings are missing values (na_values), never numbers here"],
  // precise_xstrtod's errors.
  [".", ["text"], "num_digits == 0"],
  ["-", ["text"], "a sign alone"],
  ["", ["text"], "empty"],
  ["   ", ["text"], "spaces only"],
  ["e5", ["text"], "no digit before the exponent"],
  ["1e", ["text"], "an exponent without digits is un-consumed and left over"],
  ["1e+", ["text"], "likewise with a sign"],
  ["1e00000000000000001", ["float", 10], "17 exponent digits are read"],
  ["1e000000000000000001", ["text"], "the 18th is left over"],
  ["1e308", ["float", 1e308], "decimal exponent 308"],
  ["1.5e308", ["float", 1.5e308], "15 and exponent 307"],
  ["1e999", ["text"], "a decimal exponent above 308 is ERANGE"],
  ["0e400", ["text"], "whatever the digits"],
  ["2e308", ["text"], "a result that overflows (HUGE_VAL) is ERANGE"],
  ["1e-400", ["float", 0], "underflow is no error"],
  // Integers beyond int64.
  ["9223372036854775807", ["integer", 2 ** 63], "int64's maximum (as the nearest double)"],
  ["-9223372036854775808", ["integer", -(2 ** 63)], "int64's minimum"],
  ["18446744073709551615", ["integer", 2 ** 64], "uint64's maximum: the column is uint64 (nearest double)"],
  ["18446744073709551616", ["text"], "beyond uint64 the column stays object"],
  ["-9223372036854775809", ["text"], "below int64 the uint64 attempt sees a sign: object"],
  ["000000000000000000001", ["integer", 1], "leading zeros do not overflow"],
  ["1234567890123456", ["integer", 1234567890123456], "16 digits"],
  [
    "12345678901234567.5",
    ["float", 12345678901234568],
    "17 digits kept (the nearest double), the 18th dropped",
  ],
];

function read(cell: string): Reading {
  const bytes = Buffer.from(cell, "latin1");
  parseNumberInto(bytes, 0, bytes.length);
  if (Number.isNaN(numberParse.value)) return ["text"];
  return [numberParse.lastWasInteger ? "integer" : "float", numberParse.value];
}

describe("parseNumberInto reads a CSV cell as pandas' C reader does", () => {
  for (const [cell, pandas, why] of CASES) {
    it(`${JSON.stringify(cell)} → ${pandas.join(" ")} (${why})`, () => {
      // Prepare / Act
      const reading = read(cell);

      // Assess
      expect(reading).toEqual(pandas);
    });
  }

  it("reads a cell inside a larger buffer by its bounds only", () => {
    // Prepare: cells between commas, as the CSV scanner hands them over.
    const line = Buffer.from("0x1F,-INF,3.25,42", "latin1");

    // Act
    const cells = [
      parseNumber(line, 0, 4),
      parseNumber(line, 5, 9),
      parseNumber(line, 10, 14),
      parseNumber(line, 15, 17),
    ];

    // Assess
    expect(cells).toEqual([Number.NaN, Number.NEGATIVE_INFINITY, 3.25, 42]);
  });
});

describe("parseNumberInto's fast paths", () => {
  it("give every short decimal the double nearest to it, as Number() does, whatever its digits and point", () => {
    // Prepare: 20,000 cells of 1 to 14 digits, a point anywhere (or none) and a sign, from a fixed sequence
    let seed = 12345;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const cells: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const digits = Array.from({ length: 1 + next(14) }, () => String(next(10))).join("");
      const point = next(digits.length + 2) - 1;
      const body = point < 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
      cells.push(["", "-", "+"][next(3)] + body);
    }

    // Act
    const misread = cells.filter((cell) => {
      const value = read(cell);
      const integer = !cell.includes(".");
      return value[0] !== (integer ? "integer" : "float") || !Object.is(value[1], Number(cell));
    });

    // Assess
    expect(misread).toEqual([]);
  });
});

describe("parseNumberText", () => {
  it("reads a string cell (a baseline row) by the same grammar", () => {
    // Prepare
    const cells = ["0x10", "-inf", " 2 ", "2.5", "", "1e999"];

    // Act
    const numbers = cells.map(parseNumberText);

    // Assess
    expect(numbers).toEqual([Number.NaN, Number.NEGATIVE_INFINITY, 2, 2.5, Number.NaN, Number.NaN]);
  });
});
