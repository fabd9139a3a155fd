import { checkString, show } from "../problems.ts";
import type { Rule } from "./context.ts";

const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[\w/.-]{1,256}$/;

export const checkModelPackageArn: Rule = (draft, _context, problems) => {
  const field = draft.modelPackageArn;
  if (!field || !checkString(field, problems, "modelPackageArn")) return;
  if (!MODEL_PACKAGE_ARN.test(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} is not a model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<name>[/<version>])`,
    );
  }
};
