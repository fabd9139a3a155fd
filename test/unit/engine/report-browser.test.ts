/**
 * Opens rendered reports (a sample, and the census example's run report as `run --local` writes
 * it) in headless Chromium (Debian's `chromium` package) from file:// URLs, at
 * a phone's width (400 px) and a wide screen's (1400 px), and checks what a reader sees: no
 * horizontal scrolling, the verdict and the groups on screen, chart labels at reading size, no
 * request and no script. Full-page screenshots are taken and checked; set
 * CLARIFY_REPORT_SCREENSHOTS=DIR to keep them for a look.
 * Without /usr/bin/chromium this test fails, unless CLARIFY_SKIP_BROWSER_TESTS=1 says to skip it.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import { renderReport } from "../../../engine/report/render-report.ts";
import { censusCsv } from "../../../examples/census/generate-dataset.ts";
import { gateResultsFor } from "../../support/gate-results.ts";
import { CAST_PREDICTED_LABEL, SAMPLE_ANALYSIS, SAMPLE_CONTEXT, SAMPLE_GATES } from "./report-fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const WIDTHS = [400, 1400] as const;
/**
 * SHAP and PDP results, so the explanations' charts are held to the same widths: two labels, a
 * negative and a long feature name, a numerical and a two-label categorical PDP.
 */
const SAMPLE_EXPLANATIONS = {
  kernel_shap: {
    label0: {
      global_shap_values: {
        age: 0.04,
        income: 0.12,
        duration: -0.06,
        "a-rather-long-feature-name-from-a-one-hot-encoder_category_value": 0.02,
      },
      expected_value: 0.63,
    },
    label1: { global_shap_values: { age: 0.01, income: 0.3, duration: 0.2 }, expected_value: 0.37 },
  },
  pdp: [
    {
      feature_name: "income",
      data_type: "numerical",
      feature_values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((step) => step * 123456.7),
      data_distribution: [0.05, 0.1, 0.15, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.05],
      model_predictions: [
        [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.81],
        [0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.19],
      ],
      label_headers: ["label0", "label1"],
    },
    {
      feature_name: "purpose",
      data_type: "categorical",
      feature_values: [
        "car",
        "furniture/equipment",
        "education",
        "a-very-long-category-label-without-spaces",
      ],
      data_distribution: [0.4, 0.3, 0.2, 0.1],
      model_predictions: [
        [0.7, 0.6, 0.5, 0.4],
        [0.3, 0.4, 0.5, 0.6],
      ],
      label_headers: ["label0", "label1"],
    },
  ],
};
const CENSUS_DIR = new URL("../../../examples/census/", import.meta.url).pathname;
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

  /** What a reader sees of `file` at `width`; a full-page screenshot is taken and kept when asked. */
  async function review(file: string, width: number, name: string) {
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
    const smallestText = await page.evaluate<number>(
      `Math.min(...[...document.querySelectorAll(".tick, .m-explain, .m-long, .m-rule, .group-table")]
        .map((element) => Number.parseFloat(getComputedStyle(element).fontSize)))`,
    );
    // Every piece of text in the explanations at the size it is drawn: an SVG's text shrinks
    // with the SVG, so its font size is scaled by the SVG's drawn width over its viewBox.
    const explanationText = await page.evaluate<number[]>(
      `[...document.querySelectorAll("#explanations *")]
        .filter((element) => element.tagName !== "title" &&
          [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim() !== ""))
        .map((element) => {
          const size = Number.parseFloat(getComputedStyle(element).fontSize);
          const svg = element.closest("svg");
          return svg ? size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : size;
        })`,
    );
    const explanationOverflow = await page.evaluate<string[]>(
      `[...document.querySelectorAll("#explanations figure")]
        .filter((figure) => figure.scrollWidth > figure.clientWidth + 0.5)
        .map((figure) => figure.textContent.slice(0, 40))`,
    );
    const facts = {
      title: await page.title(),
      verdict: (await page.locator("#verdict").textContent()) ?? "",
      analysis: (await page.locator("#analysis").textContent()) ?? "",
      breaches: await page.locator("#verdict ol.breaches li").allTextContents(),
      warnings: await page.locator("#warnings li").count(),
      groupTables: await page.locator("#groups table.group-table").count(),
      groupsVisible: await page.locator("#groups table.group-table").first().isVisible(),
      groupsBeforeMetrics: await page.evaluate<boolean>(
        `document.querySelector("#groups").getBoundingClientRect().top <
          document.querySelector(".bias-section").getBoundingClientRect().top`,
      ),
      breachedRows: await page.locator(".metric.status-breached").count(),
      explanationCharts: await page.locator("#explanations figure").count(),
      pdpPlotWidths: await page.evaluate<number[]>(
        `[...document.querySelectorAll("#explanations svg.pdp-area")].map((svg) => svg.getBoundingClientRect().width)`,
      ),
    };
    const screenshot = await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
    const keep = process.env.CLARIFY_REPORT_SCREENSHOTS;
    if (keep) {
      await mkdir(keep, { recursive: true });
      await writeFile(join(keep, `${name}-${width}.png`), screenshot);
    }
    await page.close();
    return {
      ...facts,
      url,
      problems,
      requests,
      dialogs,
      overflow,
      wider,
      smallestText,
      explanationText,
      explanationOverflow,
      screenshot,
    };
  }

  /** What every report must be at every width: offline, quiet, no horizontal scrolling, legible. */
  function expectReadable(seen: Awaited<ReturnType<typeof review>>, width: number): void {
    expect(seen.problems).toEqual([]);
    expect(seen.requests.filter((r) => r !== seen.url)).toEqual([]);
    expect(seen.dialogs).toEqual([]);
    expect(seen.overflow).toBe(0);
    expect(seen.wider).toEqual([]);
    // The full-page screenshot is exactly as wide as the window: nothing sticks out to the right.
    expect(pngSize(seen.screenshot).width).toBe(width);
    expect(pngSize(seen.screenshot).height).toBeGreaterThan(900);
    expect(seen.smallestText).toBeGreaterThanOrEqual(11);
    expect(seen.groupsVisible).toBe(true);
    expect(seen.groupsBeforeMetrics).toBe(true);
  }

  for (const width of WIDTHS) {
    it(`reads well at ${width} px: verdict, warnings and groups shown, nothing overflows, nothing loaded`, async () => {
      // Prepare
      const file = join(dir, `sample-${width}.html`);
      await writeFile(
        file,
        renderReport(
          { ...SAMPLE_ANALYSIS, explanations: SAMPLE_EXPLANATIONS },
          {
            title: "credit model",
            gateResults: gateResultsFor(SAMPLE_ANALYSIS, SAMPLE_GATES, SAMPLE_CONTEXT),
            // Float predictions cast to the label's integers: the longest of the analysis' rows.
            context: { ...SAMPLE_CONTEXT, predictedLabel: CAST_PREDICTED_LABEL },
          },
        ),
      );

      // Act
      const seen = await review(file, width, "sample");

      // Assess
      expectReadable(seen, width);
      expect(seen.title).toBe("credit model");
      expect(seen.analysis).toContain(
        "first cast to the label's int64 toward zero as Clarify casts it (1.7 becomes 1), is above 30",
      );
      expect(seen.verdict).toContain("Bias gates failed");
      expect(seen.verdict).toContain("0.71, allowed [0.8, 1.25]");
      // The context's LABEL_THRESHOLD_DEGENERATE warning fails every gate (failsGates), as
      // collect-results judges it: all 4 gated values are breaches.
      expect(seen.breaches).toHaveLength(4);
      expect(seen.warnings).toBe(2);
      expect(seen.groupTables).toBe(2);
      // Two importance charts and two PDP charts, every label legible, none wider than its column.
      expect(seen.explanationCharts).toBe(4);
      expect(seen.explanationText.length).toBeGreaterThan(40);
      expect(Math.min(...seen.explanationText)).toBeGreaterThanOrEqual(11);
      expect(seen.explanationOverflow).toEqual([]);
      // The line plot uses the column's width: most of a phone's, a third of a wide screen's.
      expect(seen.pdpPlotWidths).toHaveLength(1);
      expect(seen.pdpPlotWidths[0]).toBeGreaterThan(width === 400 ? 250 : 240);
    });
  }

  describe("the census example's run folder report", () => {
    let report: string;

    beforeAll(async () => {
      // The example as a user runs it: generated data, its config and run.json, `run --local`.
      const example = join(dir, "census");
      await mkdir(example, { recursive: true });
      for (const file of ["run.json", "analysis_config.json"]) {
        await copyFile(join(CENSUS_DIR, file), join(example, file));
      }
      await writeFile(join(example, "census.csv"), censusCsv());
      let stderr = "";
      const code = await main(
        ["run", "--local", "--input", join(example, "run.json"), "--out", join(dir, "run")],
        {
          stdout: () => {},
          stderr: (text) => {
            stderr += text;
          },
        },
      );
      expect(code, stderr).toBe(2);
      report = join(dir, "run", "report.html");
      expect(stderr).toContain(`report: ${report}`);
    }, 120_000);

    for (const width of WIDTHS) {
      it(`shows the verdict, every breach worst first and the groups at ${width} px`, async () => {
        // Prepare: run.json's gates breach 5 of 10 values (see examples/census/README.md)

        // Act
        const seen = await review(report, width, "census");

        // Assess
        expectReadable(seen, width);
        expect(seen.title).toBe("Census income model: bias report");
        expect(seen.verdict).toContain("5 of 10 gated metric values breach their gate");
        expect(seen.breaches).toHaveLength(5);
        expect(seen.breaches[0]).toMatch(
          /^DI Disparate Impact for sex = Female \(post\u2011training\): 0\.\d{4}, allowed \[0\.8, 1\.25\]/,
        );
        expect(seen.groupTables).toBe(2);
        expect(seen.breachedRows).toBe(5);
      });
    }
  });
});
