/**
 * The Lambda steps as the local runtime calls them: one function per step, the same cores
 * the Lambda handlers wrap. The production binding (local/core-steps.ts) calls the real
 * cores against the embedded S3; tests may bind other implementations of the same contract.
 */
import type {
  CollectResultsEvent,
  FailureRecordResult,
  NormalizedRun,
  RecordFailureEvent,
  StagedRun,
  StageInputsEvent,
  ValidateConfigEvent,
  Verdict,
} from "../contracts/pipeline-state.ts";

export interface LocalSteps {
  /** The validate-config Lambda. */
  validateConfig(event: ValidateConfigEvent): Promise<NormalizedRun>;
  /** The stage-inputs Lambda. */
  stageInputs(event: StageInputsEvent): Promise<StagedRun>;
  /** The collect-results Lambda, `mode: "collect"`. */
  collectResults(event: CollectResultsEvent): Promise<Verdict>;
  /** The collect-results Lambda, `mode: "recordFailure"`. */
  recordFailure(event: RecordFailureEvent): Promise<FailureRecordResult>;
}
