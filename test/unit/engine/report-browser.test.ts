/**
 * Opens rendered reports in headless Chromium (Debian's `chromium` package) from file:// URLs, at
 * a phone's width (400 px) and a wide screen's (1400 px), and checks what a reader sees: no
 * horizontal scrolling, the verdict and the groups on screen, chart labels at reading size, no
 * request and no script. Full-page screenshots are taken and checked; set
 * CLARIFY_REPORT_SCREENSHOTS=DIR to keep them for a look.
 * Without /usr/bin/chromium this test fails, unless CLARIFY_SKIP_BROWSER_TESTS=1 says to skip it.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../../engine/report/render-report.ts";
import { SAMPLE_ANALYSIS, SAMPLE_CONTEXT, SAMPLE_GATES } from "./report-fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const WIDTHS = [400, 1400] as const;
const skip = process.env.CLARIFY_SKIP_BROWSER_TESTS === "1";
if (skip) {
  console.warn(
    "report-browser.test.ts SKIPPED because CLARIFY_SKIP_BROWSER_TESTS=1: report.html was not checked in a browser",
  );
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(skip)("report.html in headless Chromium", () => {
  let dir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) ` +
          "or set CLARIFY_SKIP_BROWSER_TESTS=1 to skip this test",
      );
    }
    dir = await mkdtemp(join(tmpdir(), "clarify-report-"));
    // A fresh profile per run, so no state from another browser session leaks in.
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
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
  });

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const width of WIDTHS) {
    it(`reads well at ${width} px: verdict, warnings and groups shown, nothing overflows, nothing loaded`, async () => {
      // Prepare
      const file = join(dir, `report-${width}.html`);
      await writeFile(
        file,
        renderReport(SAMPLE_ANALYSIS, {
          title: "credit model",
          gates: SAMPLE_GATES,
          context: SAMPLE_CONTEXT,
        }),
      );
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      const problems: string[] = [];
      const requests: string[] = [];
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
      // Run in the page (strings: the project's type check has no DOM library).
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      const wider = await page.evaluate<string[]>(
        `[...document.querySelectorAll("main *")]
          .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((element) => element.tagName + "." + element.className)`,
      );
      const title = await page.title();
      const verdict = (await page.locator("#verdict").textContent()) ?? "";
      const breachesVisible = await page.locator("#verdict ol.breaches li").count();
      const warnings = await page.locator("#warnings li").count();
      const groupTables = await page.locator("#groups table.group-table").count();
      const groupsVisible = await page.locator("#groups table.group-table").first().isVisible();
      const breachedRows = await page.locator('.metric.status-breached[data-metric="DI"]').count();
      const smallestText = await page.evaluate<number>(
        `Math.min(...[...document.querySelectorAll(".tick, .m-explain, .m-long, .m-rule")]
          .map((element) => Number.parseFloat(getComputedStyle(element).fontSize)))`,
      );
      const screenshotPath = join(dir, `report-${width}.png`);
      const screenshot = await page.screenshot({ path: screenshotPath, fullPage: true });
      const keep = process.env.CLARIFY_REPORT_SCREENSHOTS;
      if (keep) {
        await mkdir(keep, { recursive: true });
        await writeFile(join(keep, `report-${width}.png`), screenshot);
      }
      await page.close();

      // Assess
      expect(problems).toEqual([]);
      expect(requests.filter((r) => r !== url)).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(overflow).toBe(0);
      expect(wider).toEqual([]);
      expect(pngSize(await readFile(screenshotPath))).toMatchObject({ width });
      expect(pngSize(screenshot).height).toBeGreaterThan(900);
      expect(title).toBe("credit model");
      expect(verdict).toContain("Bias gates failed");
      expect(verdict).toContain("0.71, allowed [0.8, 1.25]");
      expect(breachesVisible).toBe(2);
      expect(warnings).toBe(2);
      expect(groupTables).toBe(2);
      expect(groupsVisible).toBe(true);
      expect(breachedRows).toBe(1);
      expect(smallestText).toBeGreaterThanOrEqual(11);
    });
  }
});
