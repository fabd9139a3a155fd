import { CLARIFY_IMAGE_ACCOUNTS, CLARIFY_IMAGE_PATTERN } from "../../shared/clarify-image.ts";
import { checkString, childPath, isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";

/**
 * The image must be the prebuilt Clarify container of the job's region (the hosting
 * account differs per region), unless it is exactly the image the deployer configured.
 */
export const checkImageUri: Rule = (draft, context, problems) => {
  const field = draft.job.imageUri;
  if (!field) {
    // A request that is not an object at all was reported by the reader.
    if (draft.request) {
      problems.add(
        `${draft.request.path}.AppSpecification.ImageUri`,
        "ImageUri is required in a CreateProcessingJob request",
      );
    }
    return;
  }
  if (!checkString(field, problems, "the image URI")) return;
  if (field.value === context.settings.clarifyImageUri) return;
  // A builtin-engine deployment's job role pulls its own image only.
  if (context.settings.engine === "builtin") {
    problems.add(
      field.path,
      `${show(field.value)} is not the image of this deployment's builtin engine; leave the image out or name ${context.settings.clarifyImageUri}`,
    );
    return;
  }
  const match = CLARIFY_IMAGE_PATTERN.exec(field.value);
  if (!match) {
    problems.add(
      field.path,
      `${show(field.value)} is not a SageMaker Clarify image; expected <account>.dkr.ecr.<region>.amazonaws.com/sagemaker-clarify-processing:<tag> or the deployment's image ${context.settings.clarifyImageUri}`,
    );
    return;
  }
  const [, account, region] = match;
  const expected = region ? CLARIFY_IMAGE_ACCOUNTS[region] : undefined;
  if (expected === undefined) {
    problems.add(field.path, `${show(field.value)} names region ${region}, which has no known Clarify image`);
  } else if (account !== expected) {
    problems.add(
      field.path,
      `${show(field.value)} names account ${account}, but the Clarify image of ${region} is hosted by account ${expected}`,
    );
  } else if (region !== context.settings.region) {
    problems.add(
      field.path,
      `${show(field.value)} is the Clarify image of ${region}, but jobs run in ${context.settings.region}; use that region's image`,
    );
  }
};

/** Clarify runs its own entry point; the container rejects overrides. */
export const checkNoContainerOverrides: Rule = (draft, _context, problems) => {
  const app = draft.request && locateApp(draft.request.value, draft.request.path);
  if (!app) return;
  if (!isRecord(app.value)) {
    problems.add(
      app.path,
      `${show(app.value)} is not an object; AppSpecification must be { "ImageUri": ... }`,
    );
    return;
  }
  for (const key of ["ContainerEntrypoint", "ContainerArguments"]) {
    if (Object.hasOwn(app.value, key)) {
      problems.add(
        childPath(app.path, key),
        `${show(app.value[key])} is set, but the SageMaker Clarify container does not support ${key}; remove it`,
      );
    }
  }
};

function locateApp(request: Record<string, unknown>, path: string) {
  return Object.hasOwn(request, "AppSpecification")
    ? { value: request.AppSpecification, path: `${path}.AppSpecification` }
    : undefined;
}
