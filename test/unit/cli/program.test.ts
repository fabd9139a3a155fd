import { describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    out,
    err,
  };
}

describe("clarify-pipeline --help", () => {
  it("lists the exit codes", async () => {
    // Prepare
    const { io, out } = captureIo();
    // Act
    const code = await main(["--help"], io);
    // Assess
    expect(code).toBe(0);
    expect(out.join("")).toMatch(
      /Exit codes:\n\s+0 {2}succeeded[^\n]*\n\s+1 {2}failed[^\n]*\n\s+2 {2}the run completed but a bias gate failed/,
    );
  });

  it("fails with exit 1 and a message on an unknown command", async () => {
    const { io, err } = captureIo();
    const code = await main(["frobnicate"], io);
    expect(code).toBe(1);
    expect(err.join("")).toContain("unknown command 'frobnicate'");
  });
});
