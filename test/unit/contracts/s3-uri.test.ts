import { describe, expect, it } from "vitest";
import { unsafeKeySegment } from "../../../contracts/s3-uri.ts";

describe("unsafeKeySegment", () => {
  it.each([
    ["", undefined],
    ["clarify-runs/", undefined],
    ["data/train.csv", undefined],
    ["data/.hidden/..x/train..csv", undefined],
    ["../../tmp/x/", ".."],
    ["a/../b", ".."],
    ["a/./b", "."],
    ["./", "."],
    ["a//b", ""],
    ["/a", ""],
    ["/", ""],
    ["a/b//", ""],
  ] as const)("%j → %j", (key, expected) => {
    // Prepare / Act
    const segment = unsafeKeySegment(key);
    // Assess
    expect(segment).toBe(expected);
  });
});
