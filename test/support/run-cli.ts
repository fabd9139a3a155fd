/**
 * The clarify-pipeline CLI run in this process, as a user would run it, with its output captured:
 * the exit code and everything written to stdout and stderr.
 */

import type { CliContext } from "../../bin/cli/context.ts";
import { main } from "../../bin/cli/main.ts";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `clarify-pipeline <args>`; `context` adds what a command may be given (clients, sleep). */
export async function runCli(
  args: readonly string[],
  context: Partial<Omit<CliContext, "stdout" | "stderr" | "setExitCode">> = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    ...context,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
