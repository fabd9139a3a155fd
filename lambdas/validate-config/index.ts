/** Lambda handler of the validate-config step (being built). */
export async function handler(_event: unknown): Promise<never> {
  throw new Error("the validate-config step is not implemented yet");
}
