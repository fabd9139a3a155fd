import { type AwsRequestSubject, explainAwsError } from "./aws-errors.ts";

/** Runs an AWS call; a known AWS error becomes one clear CliError about `subject`. */
export async function sfnCall<T>(subject: AwsRequestSubject, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, subject);
  }
}
