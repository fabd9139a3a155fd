import { checkString, show } from "../problems.ts";
import type { Rule } from "./context.ts";

// The RoleArn pattern of the CreateProcessingJob API.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-/]+$/;

export const checkRoleArn: Rule = (draft, _context, problems) => {
  const field = draft.job.roleArn;
  if (!field) {
    if (draft.request)
      problems.add(`${draft.request.path}.RoleArn`, "RoleArn is required in a CreateProcessingJob request");
    return;
  }
  if (!checkString(field, problems, "the role ARN")) return;
  if (field.value.length > 2048 || !ROLE_ARN.test(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  }
};
