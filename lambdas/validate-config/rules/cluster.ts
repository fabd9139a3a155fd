import {
  GPU_INSTANCE_FAMILY_PATTERN,
  INSTANCE_TYPE_PATTERN,
  MAX_VOLUME_SIZE_GB,
} from "../../shared/processing-job-api.ts";
import type { Problems } from "../problems.ts";
import { checkInteger, checkString, isRecord, type Located, show } from "../problems.ts";
import type { RunDraft } from "../run-input.ts";
import type { Rule } from "./context.ts";

// CreateProcessingJob limits.
export const MAX_INSTANCE_COUNT = 100;

/** In a raw request ClusterConfig is complete (the API requires it); run.json fields default. */
function requireInRequest(
  draft: RunDraft,
  field: Located | undefined,
  key: string,
  problems: Problems,
): field is Located {
  if (field) return true;
  // Without a ClusterConfig object, checkClusterConfigPresent reports the whole of it once.
  if (draft.request && isRecord(clusterConfigOf(draft.request.value))) {
    problems.add(
      `${draft.request.path}.ProcessingResources.ClusterConfig.${key}`,
      `ClusterConfig.${key} is required in a CreateProcessingJob request`,
    );
  }
  return false;
}

export const checkInstanceType: Rule = (draft, _context, problems) => {
  const field = draft.job.instanceType;
  if (!requireInRequest(draft, field, "InstanceType", problems)) return;
  if (!checkString(field, problems, "the instance type")) return;
  if (!INSTANCE_TYPE_PATTERN.test(field.value)) {
    problems.add(field.path, `${show(field.value)} is not a SageMaker instance type such as ml.c5.xlarge`);
  } else if (GPU_INSTANCE_FAMILY_PATTERN.test(field.value)) {
    problems.add(
      field.path,
      `${field.value} is a GPU instance type; Clarify does not use GPUs (use a CPU type such as ml.c5.xlarge)`,
    );
  }
};

/**
 * More than one instance means distributed processing, which also needs a security
 * group admitting traffic between its members when a VpcConfig is given; that rule
 * cannot be read offline, so it is left to the deployer (see the README).
 */
export const checkInstanceCount: Rule = (draft, _context, problems) => {
  const field = draft.job.instanceCount;
  if (!requireInRequest(draft, field, "InstanceCount", problems)) return;
  checkInteger(field, 1, MAX_INSTANCE_COUNT, problems, "the instance count");
};

export const checkVolumeSize: Rule = (draft, _context, problems) => {
  const field = draft.job.volumeSizeInGB;
  if (!requireInRequest(draft, field, "VolumeSizeInGB", problems)) return;
  checkInteger(field, 1, MAX_VOLUME_SIZE_GB, problems, "the volume size in GB");
};

export const checkClusterConfigPresent: Rule = (draft, _context, problems) => {
  if (!draft.request) return;
  const resources = draft.request.value.ProcessingResources;
  const resourcesPath = `${draft.request.path}.ProcessingResources`;
  const required =
    "ProcessingResources.ClusterConfig is required (InstanceCount, InstanceType, VolumeSizeInGB)";
  if (resources === undefined) {
    problems.add(resourcesPath, required);
  } else if (!isRecord(resources)) {
    problems.add(resourcesPath, `${show(resources)} is not an object; ${required}`);
  } else if (!isRecord(resources.ClusterConfig)) {
    const what =
      resources.ClusterConfig === undefined ? "missing" : `${show(resources.ClusterConfig)}, not an object`;
    problems.add(`${resourcesPath}.ClusterConfig`, `ClusterConfig is ${what}; ${required}`);
  }
};

function clusterConfigOf(request: Record<string, unknown>): unknown {
  const resources = request.ProcessingResources;
  return isRecord(resources) ? resources.ClusterConfig : undefined;
}
