import { childPath, isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";

/** Clarify calls the model's endpoint for predictions, so the job needs the network. */
export const checkNetworkIsolation: Rule = (draft, _context, problems) => {
  const field = draft.job.enableNetworkIsolation;
  if (!field) return;
  if (typeof field.value !== "boolean") {
    problems.add(field.path, `${show(field.value)} is not a boolean; EnableNetworkIsolation must be false`);
  } else if (field.value) {
    problems.add(
      field.path,
      "true is not allowed; EnableNetworkIsolation must be false so that Clarify can call the model endpoint for predictions",
    );
  }
};

const SUBNET = /^subnet-[0-9a-z]+$/;
const SECURITY_GROUP = /^sg-[0-9a-z]+$/;

/** VpcConfig as CreateProcessingJob takes it: 1-16 subnets and 1-5 security groups. */
export const checkVpcConfig: Rule = (draft, _context, problems) => {
  const field = draft.job.vpcConfig;
  if (!field) return;
  if (!isRecord(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} is not an object; VpcConfig is { "Subnets": [...], "SecurityGroupIds": [...] }`,
    );
    return;
  }
  const lists = [
    { key: "Subnets", max: 16, pattern: SUBNET, example: "subnet-0abc123" },
    { key: "SecurityGroupIds", max: 5, pattern: SECURITY_GROUP, example: "sg-0abc123" },
  ];
  for (const { key, max, pattern, example } of lists) {
    const path = childPath(field.path, key);
    const list = field.value[key];
    if (!Array.isArray(list) || list.length < 1 || list.length > max) {
      problems.add(path, `${show(list)} is not a list of 1 to ${max} ids; VpcConfig.${key} is required`);
      continue;
    }
    list.forEach((id, index) => {
      if (typeof id !== "string" || !pattern.test(id)) {
        problems.add(childPath(path, index), `${show(id)} is not an id like ${example}`);
      }
    });
  }
  for (const key of Object.keys(field.value)) {
    if (key !== "Subnets" && key !== "SecurityGroupIds") {
      problems.add(childPath(field.path, key), `unknown key "${key}" (allowed: Subnets, SecurityGroupIds)`);
    }
  }
};
