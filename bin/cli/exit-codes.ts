/** Process exit codes of the clarify-pipeline CLI; shown in `--help`. */
export const ExitCode = {
  /** The command did what was asked; for `run`/`start`, the run succeeded and every gate passed. */
  Succeeded: 0,
  /** The command or the run failed; the message is on stderr. */
  Failed: 1,
  /** The run completed but a bias gate failed. */
  BiasGateFailed: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table printed at the end of `--help`. */
export const EXIT_CODE_HELP = `
Exit codes:
  ${ExitCode.Succeeded}  succeeded (for run/start: every bias gate passed)
  ${ExitCode.Failed}  failed (the message is on stderr)
  ${ExitCode.BiasGateFailed}  the run completed but a bias gate failed (run/start)`;
