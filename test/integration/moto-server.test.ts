/** The moto test server's life cycle: it fails loudly when absent and leaves no process behind. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { findMotoServer, motoSkipReason, SKIP_MOTO_ENV, startMotoServer } from "../support/moto-server.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("startMotoServer", () => {
  it("fails naming moto_server and the opt-out variable when moto is not installed", async () => {
    // Prepare
    vi.stubEnv("PATH", "/nonexistent");

    // Act
    const start = startMotoServer();

    // Assess
    await expect(start).rejects.toThrow(
      `*** moto_server is not on PATH: the integration tests run the Lambda handlers against moto's S3 and SageMaker. Install it with \`pip install "moto[server]"\`, or set ${SKIP_MOTO_ENV}=1 to skip them knowingly. ***`,
    );
    expect(findMotoServer("/nonexistent")).toBeUndefined();
  });

  it.skipIf(motoSkipReason !== undefined)(
    "answers on a loopback port, and stopping it ends its whole process group",
    async () => {
      // Prepare
      const server = await startMotoServer();

      // Act
      const answered = await fetch(`${server.endpoint}/moto-api/`);
      await server.stop();

      // Assess
      expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(answered.status).toBe(200);
      expect(isAlive(server.pid)).toBe(false);
      // A negative pid addresses the group: no member of it is left.
      expect(isAlive(-server.pid)).toBe(false);
      await expect(fetch(`${server.endpoint}/moto-api/`)).rejects.toThrow();
    },
  );
});
