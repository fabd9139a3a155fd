import { MAX_RUNTIME_SECONDS } from "../../shared/processing-job-api.ts";
import { checkInteger } from "../problems.ts";
import type { Rule } from "./context.ts";

/** SageMaker stops a job after at most 7 days, and a stopped Clarify job leaves no result. */
export const checkMaxRuntime: Rule = (draft, _context, problems) => {
  const field = draft.job.maxRuntimeInSeconds;
  if (!field) return;
  checkInteger(field, 1, MAX_RUNTIME_SECONDS, problems, "MaxRuntimeInSeconds (at most 7 days)");
};
