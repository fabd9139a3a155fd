/**
 * What the collect-results function needs to send run events: PutEvents on the one bus,
 * and only events of this pipeline's source and detail types (EventBridge checks both
 * condition keys on PutEvents), so the function cannot pose as another source.
 */
import * as iam from "aws-cdk-lib/aws-iam";
import { RUN_EVENT_DETAIL_TYPES, RUN_EVENT_SOURCE } from "../../lambdas/shared/run-events.ts";

export function runEventStatements(eventBusArn: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ["events:PutEvents"],
      resources: [eventBusArn],
      conditions: {
        StringEquals: {
          "events:source": RUN_EVENT_SOURCE,
          "events:detail-type": Object.values(RUN_EVENT_DETAIL_TYPES),
        },
      },
    }),
  ];
}
