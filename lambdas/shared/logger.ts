/**
 * Structured JSON logging for the Lambda steps (Powertools Logger), one logger per step
 * so CloudWatch Logs Insights can filter on `service`.
 */
import { Logger } from "@aws-lambda-powertools/logger";

/** Creates the logger of one step; `POWERTOOLS_LOG_LEVEL` overrides the level. */
export function createLogger(step: string): Logger {
  return new Logger({ serviceName: "clarify-pipeline", persistentKeys: { step } });
}
