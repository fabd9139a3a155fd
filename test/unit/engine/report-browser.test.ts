/**
 * Opens a rendered report in headless Chromium (Debian's `chromium` package) from a file:// URL.
 * Without /usr/bin/chromium this test fails, unless CLARIFY_SKIP_BROWSER_TESTS=1 says to skip it.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { renderReport } from "../../../engine/report/render-report.ts";
import { SAMPLE_ANALYSIS, SAMPLE_GATES } from "./report-fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = process.env.CLARIFY_SKIP_BROWSER_TESTS === "1";
if (skip) {
  console.warn(
    "report-browser.test.ts SKIPPED because CLARIFY_SKIP_BROWSER_TESTS=1: report.html was not checked in a browser",
  );
}

describe.skipIf(skip)("report.html in headless Chromium", () => {
  it("renders offline with no errors, no requests, and the expected charts", async () => {
    // Prepare
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) ` +
          "or set CLARIFY_SKIP_BROWSER_TESTS=1 to skip this test",
      );
    }
    const dir = await mkdtemp(join(tmpdir(), "clarify-report-"));
    const file = join(dir, "report.html");
    await writeFile(file, renderReport(SAMPLE_ANALYSIS, { title: "credit model", gates: SAMPLE_GATES }));
    // A fresh profile per run, so no state from another browser session leaks in.
    const context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      viewport: { width: 1000, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const problems: string[] = [];
    const requests: string[] = [];
    try {
      const page = await context.newPage();
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning")
          problems.push(`console: ${message.text()}`);
      });
      page.on("request", (request) => requests.push(request.url()));
      // An unescaped facet name would run alert(1): a dialog means the escaping failed.
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const url = pathToFileURL(file).href;

      // Act
      await page.goto(url, { waitUntil: "load" });
      const charts = await page.locator("svg.metric-chart").count();
      const breachedRows = await page.locator('svg g.status-breached[data-metric="DI"]').count();
      const facetHeading = await page.locator("h3").nth(1).textContent();
      const chartLabels = await page
        .locator("svg.metric-chart")
        .evaluateAll((svgs) => svgs.map((svg) => svg.getAttribute("aria-label")));
      const nullError = await page.locator('svg g[data-metric="CDDL"] .null-error').textContent();
      await page.screenshot({ path: "/tmp/report.png", fullPage: true });

      // Assess
      expect(problems).toEqual([]);
      expect(requests.filter((r) => r !== url)).toEqual([]);
      expect(charts).toBe(2);
      expect(chartLabels).toEqual([
        "Bias metrics for facet age = 40",
        "Bias metrics for facet <script>alert(1)</script> = female",
      ]);
      expect(breachedRows).toBe(1);
      expect(facetHeading).toBe("Facet <script>alert(1)</script>");
      expect(dialogs).toEqual([]);
      expect(nullError).toContain("not computed: Group variable is empty or not provided");
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
