/** Lambda handler of the collect-results step (being built). */
export async function handler(_event: unknown): Promise<never> {
  throw new Error("the collect-results step is not implemented yet");
}
