/** Lambda handler of the stage-inputs step (being built). */
export async function handler(_event: unknown): Promise<never> {
  throw new Error("the stage-inputs step is not implemented yet");
}
