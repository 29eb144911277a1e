import assert from "node:assert/strict";
import { test } from "node:test";
import { renderBarChartHtml, renderBarChartSvg, renderBarChartText, type BarChartInput } from "../../src/display/bar-chart";
import type { TableModel } from "../../src/display/index";
import { DataDistribution } from "../../src/data-mart/data-distribution";
import { consoleOutput, type Output } from "../../src/data-mart/output";
import type { DataMartService } from "../../src/service/data-mart-service";
import type { DataDistributionRun } from "../../src/service/resources";

const oneGroup: BarChartInput = {
  title: "Records by purpose",
  group: ["Purpose"],
  measure: "count",
  rows: [
    ["car_new", 48],
    ["education", 36],
    ["repairs", 12],
  ],
};

const twoGroups: BarChartInput = {
  title: "Risk by sex",
  group: ["Risk", "Sex"],
  measure: "count",
  rows: [
    ["No Risk", "female", 48],
    ["No Risk", "male", 36],
    ["Risk", "female", 12],
    ["Risk", "male", 30],
  ],
};

/** Checks that every opened tag is closed in order: enough to catch broken markup. */
function assertBalanced(markup: string): void {
  const stack: string[] = [];
  for (const m of markup.matchAll(/<(\/?)([a-zA-Z0-9]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, [], "unclosed tags");
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

/** Text content of the elements with the given class, in document order. */
function texts(svg: string, className: string): string[] {
  return [...svg.matchAll(new RegExp(`<text class="${className}"[^>]*>([^<]*)`, "g"))].map((m) => m[1]!);
}

/** The `<g class="stack">` groups: their label, segment values and total label. */
function stacks(svg: string): { label: string; segments: number[]; total: string }[] {
  return [...svg.matchAll(/<g class="stack" data-label="([^"]*)">([\s\S]*?)<\/g>/g)].map((m) => ({
    label: m[1]!,
    segments: [...m[2]!.matchAll(/<rect class="segment"[^>]*data-value="([^"]*)"/g)].map((v) => Number(v[1])),
    total: texts(m[2]!, "total")[0]!,
  }));
}

function attribute(tag: string, name: string): number {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  assert.ok(m, `${name} missing in ${tag}`);
  return Number(m[1]);
}

test("one group: one rect.bar per row, value labels, escaped title and no background of its own", () => {
  const svg = renderBarChartSvg(oneGroup);
  assert.match(svg, /^<svg [^>]*width="640"/);
  assert.match(svg, /<\/svg>$/);
  assert.match(svg, /font-family="sans-serif"/);
  assert.match(svg, /<title>Records by purpose<\/title>/);
  assert.equal(count(svg, /<rect class="bar"/g), 3);
  assert.deepEqual(texts(svg, "value"), ["48", "36", "12"]);
  assert.deepEqual(texts(svg, "label"), ["car_new", "education", "repairs"]);
  assert.equal(count(svg, /class="legend"/g), 0);
  assertBalanced(svg);
});

test("bar widths are proportional to the values", () => {
  const svg = renderBarChartSvg(oneGroup);
  const widths = [...svg.matchAll(/<rect class="bar"[^>]*>/g)].map((m) => attribute(m[0], "width"));
  assert.ok(Math.abs(widths[0]! / widths[2]! - 4) < 0.01, `48/12 bars should be 4:1, got ${widths}`);
  assert.ok(Math.abs(widths[1]! / widths[2]! - 3) < 0.01);
});

test("the axis has 4 or 5 round ticks starting at zero and covering the largest bar", () => {
  const ticks = texts(renderBarChartSvg(twoGroups), "tick").map(Number);
  assert.ok(ticks.length >= 4 && ticks.length <= 5, `ticks ${ticks}`);
  assert.equal(ticks[0], 0);
  assert.ok(ticks[ticks.length - 1]! >= 84);
  const step = ticks[1]! - ticks[0]!;
  assert.ok(ticks.every((t, i) => t === i * step), `evenly spaced ${ticks}`);
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  assert.ok([1, 2, 2.5, 5].includes(mantissa), `round step ${step}`);
});

test("the height grows with the number of bars", () => {
  const height = (svg: string) => attribute(/<svg[^>]*>/.exec(svg)![0], "height");
  const more = { ...oneGroup, rows: [...oneGroup.rows, ["other", 5], ["retraining", 7]] };
  assert.ok(height(renderBarChartSvg(more)) > height(renderBarChartSvg(oneGroup)));
});

test("two groups: legend lists each second-column value once", () => {
  const svg = renderBarChartSvg(twoGroups);
  const legend = [...svg.matchAll(/<g class="legend-item">[\s\S]*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(legend, ["female", "male"]);
  assert.equal(count(svg, /<rect class="bar"/g), 0);
  assert.equal(count(svg, /<rect class="segment"/g), 4);
  assertBalanced(svg);
});

test("two groups: segments sum to the stacked totals", () => {
  const found = stacks(renderBarChartSvg(twoGroups));
  assert.deepEqual(found, [
    { label: "No Risk", segments: [48, 36], total: "84" },
    { label: "Risk", segments: [12, 30], total: "42" },
  ]);
});

test("two groups: a segment's colour follows its legend entry and rows repeating a pair are summed", () => {
  const input = { ...twoGroups, rows: [["Risk", "male", 5], ["No Risk", "female", 3], ["Risk", "female", 4], ["Risk", "male", 1]] };
  const svg = renderBarChartSvg(input);
  const legendFill = (key: string) => new RegExp(`<g class="legend-item"><rect[^>]*fill="(#[0-9a-f]{6})"[^>]*/><text[^>]*>${key}<`).exec(svg)![1];
  const segmentFill = (pair: string) => new RegExp(`<rect class="segment"[^>]*fill="(#[0-9a-f]{6})"[^>]*><title>${pair}:`).exec(svg)![1];
  assert.notEqual(legendFill("male"), legendFill("female"));
  assert.equal(segmentFill("Risk / male"), legendFill("male"));
  assert.equal(segmentFill("Risk / female"), legendFill("female"));
  assert.equal(segmentFill("No Risk / female"), legendFill("female"));
  assert.deepEqual(stacks(svg), [
    { label: "Risk", segments: [6, 4], total: "10" },
    { label: "No Risk", segments: [3], total: "3" },
  ]);
});

test("more than 10 stack categories cycle the palette", () => {
  const rows = Array.from({ length: 12 }, (_, i) => ["all", `c${i}`, 1]);
  const svg = renderBarChartSvg({ title: "many", group: ["a", "b"], measure: "n", rows });
  const fills = [...svg.matchAll(/<g class="legend-item"><rect[^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
  assert.equal(fills.length, 12);
  assert.equal(new Set(fills.slice(0, 10)).size, 10);
  assert.equal(fills[10], fills[0]);
  assert.equal(fills[11], fills[1]);
});

test("user strings are escaped and nothing active gets in", () => {
  const hostile = "<b>&\"'";
  const input: BarChartInput = {
    title: `<script>alert(1)</script>`,
    group: ["g", "h"],
    measure: `<img src=x onerror=alert(1)>`,
    rows: [[hostile, hostile, 1], ["<script>", "x", 2]],
  };
  for (const out of [renderBarChartSvg(input), renderBarChartHtml(input)]) {
    assert.ok(!out.includes("<script"), "no <script");
    assert.ok(!out.includes("<b>"), "no raw <b>");
    assert.ok(!out.includes("<img"), "no raw <img");
    const tags = out.match(/<[^>]*>/g) ?? [];
    assert.ok(tags.length > 10 && tags.every((tag) => !/\son[a-z]+\s*=/i.test(tag)), "no event handler attributes");
    assert.doesNotMatch(out, /href|url\(/i, "no external references");
    assert.ok(out.includes("&lt;b&gt;&amp;&quot;&#39;"), "label escaped");
    assertBalanced(out);
  }
});

test("empty rows render an svg saying No data", () => {
  const svg = renderBarChartSvg({ ...oneGroup, rows: [] });
  assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
  assert.match(svg, />No data</);
  assert.equal(count(svg, /<rect class="bar"/g), 0);
  assert.match(renderBarChartText({ ...twoGroups, rows: [] }), /No data/);
});

test("non-finite measures count as 0, numeric strings are parsed, null labels read null", () => {
  const svg = renderBarChartSvg({ ...oneGroup, rows: [[null, Infinity], ["nan", NaN], ["text", "41"], [true, "abc"]] });
  assert.deepEqual(texts(svg, "label"), ["null", "nan", "text", "true"]);
  assert.deepEqual(texts(svg, "value"), ["0", "0", "41", "0"]);
  assert.ok(!svg.includes("NaN") && !svg.includes("Infinity"));
});

test("negative values are drawn leftwards from zero and the axis covers them", () => {
  const svg = renderBarChartSvg({ ...oneGroup, rows: [["up", 30], ["down", -20]] });
  const ticks = texts(svg, "tick").map(Number);
  assert.ok(ticks[0]! <= -20 && ticks.includes(0) && ticks[ticks.length - 1]! >= 30, `ticks ${ticks}`);
  const [up, down] = [...svg.matchAll(/<rect class="bar"[^>]*>/g)].map((m) => m[0]);
  assert.equal(attribute(down!, "x") + attribute(down!, "width"), attribute(up!, "x"), "both bars meet at zero");
  assert.ok(Math.abs(attribute(up!, "width") / attribute(down!, "width") - 1.5) < 0.01);
  assert.deepEqual(texts(svg, "value"), ["30", "-20"]);
  assert.ok(!svg.includes("NaN"));
});

test("long labels are cut to 24 characters with the full label on hover", () => {
  const long = "a purpose label that is much longer than the room";
  const svg = renderBarChartSvg({ ...oneGroup, rows: [[long, 3]] });
  const shown = texts(svg, "label")[0]!;
  assert.equal(Array.from(shown).length, 24);
  assert.ok(shown.endsWith("…") && long.startsWith(shown.slice(0, -1)));
  assert.match(svg, new RegExp(`<rect class="bar"[^>]*><title>${long}: 3</title></rect>`));
});

test("the html wraps an escaped h3 title and the svg", () => {
  const html = renderBarChartHtml({ ...oneGroup, title: "A & B" });
  assert.match(html, /^<div[^>]*>\s*<h3[^>]*>A &amp; B<\/h3>\s*<svg[\s\S]*<\/svg>\s*<\/div>$/);
  assertBalanced(html);
});

test("rendering is deterministic", () => {
  assert.equal(renderBarChartSvg(twoGroups), renderBarChartSvg(twoGroups));
  assert.equal(renderBarChartText(twoGroups), renderBarChartText(twoGroups));
});

test("text: one line per bar with the label, a scaled bar and the value", () => {
  const lines = renderBarChartText(oneGroup).split("\n");
  assert.equal(lines[0], "Records by purpose");
  assert.equal(lines.length, 4);
  assert.equal(lines[1], `car_new   | ${"█".repeat(40)} 48`);
  assert.equal(lines[2], `education | ${"█".repeat(30)} 36`);
  assert.equal(lines[3], `repairs   | ${"█".repeat(10)} 12`);
});

test("text: two groups label lines first / second", () => {
  const text = renderBarChartText(twoGroups);
  const lines = text.split("\n");
  assert.equal(lines.length, 5);
  for (const [first, second, value] of twoGroups.rows) {
    assert.match(text, new RegExp(`^${first} / ${second} +\\| █+ ${value}$`, "m"));
  }
  assert.ok(lines.every((line) => (line.match(/█/g) ?? []).length <= 40));
});

test("a chart needs one or two group columns", () => {
  assert.throws(() => renderBarChartSvg({ ...oneGroup, group: [] }), RangeError);
  assert.throws(() => renderBarChartText({ ...oneGroup, group: ["a", "b", "c"] }), RangeError);
});

test("no white slab in dark themes: no background, text in currentColor, grid lines translucent currentColor", () => {
  for (const svg of [renderBarChartSvg(oneGroup), renderBarChartSvg(twoGroups), renderBarChartSvg({ ...oneGroup, rows: [] })]) {
    assert.doesNotMatch(svg, /class="background"/);
    assert.doesNotMatch(svg, /fill="(#fff(fff)?|white)"[^>]*\/>/i, "no white shape");
    const textFills = [...svg.matchAll(/<text(?![^>]*class="segment-value")[^>]*fill="([^"]*)"/g)].map((m) => m[1]);
    assert.ok(textFills.length > 0 && textFills.every((f) => f === "currentColor"), `text fills: ${textFills}`);
    const strokes = [...svg.matchAll(/<line[^>]*stroke="([^"]*)"/g)].map((m) => m[1]);
    assert.ok(strokes.every((s) => s === "currentColor"), `line strokes: ${strokes}`);
  }
});

test("stacked segments with room show their value inside; a segment too narrow for its value keeps it on hover only", () => {
  const svg = renderBarChartSvg({ ...twoGroups, rows: [...twoGroups.rows, ["Risk", "unknown", 1]] });
  const rects = [...svg.matchAll(/<rect class="segment"[^>]*>/g)].map((m) => m[0]);
  const labels = [...svg.matchAll(/<text class="segment-value"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ tag: m[0], value: m[1]! }));
  assert.deepEqual(labels.map((l) => l.value), ["48", "36", "12", "30"], "every segment but the one of 1 is labelled");
  for (const label of labels) {
    const rect = rects.find((r) => new RegExp(`data-value="${label.value}"`).test(r))!;
    const x = attribute(label.tag, "x");
    assert.ok(x > attribute(rect, "x") && x < attribute(rect, "x") + attribute(rect, "width"), `label ${label.value} inside its segment`);
    assert.match(label.tag, /fill="#(1a1a1a|ffffff)"/, "dark or light text, whichever reads on the segment's colour");
  }
  assert.match(svg, /<title>Risk \/ unknown: 1<\/title>/);
  assert.deepEqual(texts(svg, "total"), ["84", "43"], "totals stay at the end of the bars");
});

/** A data distribution over a stub service that holds one completed run. */
function distributionOf(run: DataDistributionRun, output: Output): DataDistribution {
  const service = { getDataDistribution: async () => run } as unknown as DataMartService;
  return new DataDistribution(service, output, { uid: "s", binding_uid: "b" });
}

const creditRun: DataDistributionRun = {
  id: "run-1",
  status: "completed",
  dataset: "payload",
  group: ["CreditHistory"],
  agg: ["count", "LoanAmount:avg"],
  start: "2026-01-01T00:00:00.000Z",
  end: "2026-01-02T00:00:00.000Z",
  distribution: {
    fields: ["CreditHistory", "count", "LoanAmount:avg"],
    values: [
      ["all_credits_paid_back", 40, 3120.5],
      ["credits_paid_to_date", 35, 4210.25],
      ["prior_payments_delayed", 25, 5033.75],
    ],
  },
};

function recordingOutput(): Output & { charts: BarChartInput[]; tables: TableModel[] } {
  const charts: BarChartInput[] = [];
  const tables: TableModel[] = [];
  return { charts, tables, chart: (c) => charts.push(c as BarChartInput), table: (t) => tables.push(t), print: () => undefined, warn: () => undefined };
}

test("show_chart draws one chart per aggregation, each with its own title and measure", async () => {
  const output = recordingOutput();
  await distributionOf(creditRun, output).show_chart("run-1");
  assert.deepEqual(output.charts.map((c) => c.title), ["count by CreditHistory", "LoanAmount:avg by CreditHistory"]);
  assert.deepEqual(output.charts.map((c) => c.measure), ["count", "LoanAmount:avg"]);
  assert.deepEqual(output.charts[1]!.rows, [["all_credits_paid_back", 3120.5], ["credits_paid_to_date", 4210.25], ["prior_payments_delayed", 5033.75]]);
  assert.deepEqual(texts(renderBarChartSvg(output.charts[1]!), "value"), ["3120.5", "4210.25", "5033.75"]);
  assert.match(renderBarChartSvg(output.charts[1]!), /class="measure"[^>]*>LoanAmount:avg</);
});

test("show_chart in a terminal prints every aggregation as text bars", async () => {
  const printed: string[] = [];
  const log = console.log;
  console.log = (text: string) => void printed.push(text);
  try {
    await distributionOf(creditRun, consoleOutput).show_chart("run-1");
  } finally {
    console.log = log;
  }
  const text = printed.join("\n");
  assert.match(text, /^count by CreditHistory\nall_credits_paid_back +\| █+ 40$/m);
  assert.match(text, /^LoanAmount:avg by CreditHistory\n(.*\n){2}prior_payments_delayed +\| █{40} 5033\.75$/m);
});
