import {
  MAX_PROCESSING_JOB_NAME_LENGTH,
  PROCESSING_JOB_NAME_PATTERN,
} from "../../shared/processing-job-api.ts";
import { checkString, show } from "../problems.ts";
import type { Rule } from "./context.ts";

/** A given ProcessingJobName must be one SageMaker accepts (the run names its job itself). */
export const checkJobName: Rule = (draft, _context, problems) => {
  const field = draft.job.processingJobName;
  if (!field || !checkString(field, problems, "ProcessingJobName")) return;
  if (field.value.length > MAX_PROCESSING_JOB_NAME_LENGTH) {
    problems.add(
      field.path,
      `${show(field.value)} is ${field.value.length} characters; ProcessingJobName is at most ${MAX_PROCESSING_JOB_NAME_LENGTH}`,
    );
  } else if (!PROCESSING_JOB_NAME_PATTERN.test(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} breaks the ProcessingJobName pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (letters, digits and inner hyphens)`,
    );
  }
};
