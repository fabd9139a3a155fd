import { SFNClient } from "@aws-sdk/client-sfn";

/** The Step Functions client of a region, with the SDK's default credential chain. */
export function createDefaultSfnClient(region: string): SFNClient {
  return new SFNClient({ region });
}
