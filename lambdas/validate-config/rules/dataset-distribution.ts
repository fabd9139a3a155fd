/**
 * How a raw request's dataset input reaches the job's hosts (`S3DataDistributionType`), per
 * engine: the Clarify image needs the whole dataset on every instance (FullyReplicated, the
 * default); the builtin engine counts a share of the dataset's objects per host, so with several
 * instances it needs them sharded (ShardedByS3Key), and with one either gives that host all of it.
 */
import { isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";
import { instanceCountField, instanceCountOf } from "./multi-instance.ts";

const KEY = "S3DataDistributionType";
/** SageMaker's default when the field is left out. */
const DEFAULT_DISTRIBUTION = "FullyReplicated";

export const checkDatasetDistribution: Rule = (draft, context, problems) => {
  if (!draft.request) return;
  const inputs = draft.request.value.ProcessingInputs;
  if (!Array.isArray(inputs)) return;
  const index = inputs.findIndex((input) => isRecord(input) && input.InputName === "dataset");
  const s3Input = index >= 0 ? (inputs[index] as Record<string, unknown>).S3Input : undefined;
  if (!isRecord(s3Input)) return;
  const path = `${draft.request.path}.ProcessingInputs[${index}].S3Input.${KEY}`;
  const given = Object.hasOwn(s3Input, KEY);
  const value = given ? s3Input[KEY] : DEFAULT_DISTRIBUTION;

  if (context.settings.engine !== "builtin") {
    if (value !== "FullyReplicated")
      problems.add(
        path,
        `${show(value)} is not allowed; ${KEY} must be FullyReplicated (every Clarify instance needs the whole dataset)`,
      );
    return;
  }
  const instances = instanceCountOf(draft, context.settings);
  if (instances > 1) {
    if (value === "ShardedByS3Key") return;
    const what = given ? show(value) : `left out, ${KEY} is FullyReplicated, which`;
    problems.add(
      path,
      value === "FullyReplicated"
        ? `${what} with ${instances} instances would copy the whole dataset to every host, so each would count every row; ${KEY} must be ShardedByS3Key (each host then receives a share of the dataset's S3 objects)`
        : `${what} is not allowed; with ${instances} instances ${KEY} must be ShardedByS3Key (each host receives a share of the dataset's S3 objects)`,
    );
    return;
  }
  if (value !== "FullyReplicated" && value !== "ShardedByS3Key")
    problems.add(
      path,
      `${show(value)} is not allowed; ${KEY} must be FullyReplicated or ShardedByS3Key (one instance receives the whole dataset either way; with ${instanceCountField(draft)} above 1, ShardedByS3Key)`,
    );
};
