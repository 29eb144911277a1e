import assert from "node:assert/strict";
import { test } from "node:test";
import { consoleOutput } from "../../src/data-mart/output";
import {
  renderTimeSeriesChartHtml,
  renderTimeSeriesChartSvg,
  renderTimeSeriesChartText,
  type ChartModel,
  type TimeSeriesChartInput,
} from "../../src/display/index";
import { timeTicks } from "../../src/display/time-axis";
import { textWidth } from "../../src/display/wrap-text";
import { RecordingOutput } from "../support/recording-output";

const HOUR = 3600_000;
const start = Date.UTC(2026, 0, 14, 22, 0);
const at = (i: number, step = HOUR) => new Date(start + i * step).toISOString();

/** area_under_roc over 5 hourly runs, one of them (0.65) below the lower limit 0.7. */
const quality: TimeSeriesChartInput = {
  kind: "time_series",
  title: "Quality",
  series: [{ metric: "area_under_roc", lower_limit: 0.7, points: [0.82, 0.79, 0.65, 0.88, 0.93].map((value, i) => ({ ts: at(i), value })) }],
};

/**
 * Well-formed XML, checked strictly enough for generated markup: tags nest and close in order, attributes are
 * `name="value"` once each, and `<` / `&` appear in text and attribute values only as tags and entities.
 */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi;
  let roots = 0;
  for (const m of xml.matchAll(token)) {
    const [, closing, name, attributes, selfClosing, text, stray] = m;
    assert.equal(stray, undefined, `stray < at ${m.index}: ${xml.slice(m.index!, m.index! + 40)}`);
    if (text !== undefined) {
      assert.ok(!text.replace(entity, "").includes("&"), `raw & in text: ${text.slice(0, 60)}`);
      assert.ok(stack.length > 0 || text.trim() === "", "text outside the root element");
      continue;
    }
    if (closing) {
      assert.equal(attributes, "", `attributes on </${name}>`);
      assert.equal(stack.pop(), name, `unbalanced </${name}>`);
      continue;
    }
    const names = [...attributes!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => {
      assert.ok(!a[2]!.includes("<") && !a[2]!.replace(entity, "").includes("&"), `raw < or & in ${a[1]}="${a[2]}"`);
      return a[1]!;
    });
    assert.equal(new Set(names).size, names.length, `repeated attribute in <${name}>`);
    if (stack.length === 0) roots++;
    if (!selfClosing) stack.push(name!);
  }
  assert.deepEqual(stack, [], "unclosed tags");
  assert.equal(roots, 1, "one root element");
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

function attribute(tag: string, name: string): number {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  assert.ok(m, `${name} missing in ${tag}`);
  return Number(m[1]);
}

/** Markers of all panels: normal circles and violation groups. */
function markers(svg: string): { points: string[]; violations: string[] } {
  return {
    points: [...svg.matchAll(/<circle class="point"[^>]*>/g)].map((m) => m[0]),
    violations: [...svg.matchAll(/<g class="violation">[\s\S]*?<\/g>/g)].map((m) => m[0]),
  };
}

/** The y axis of the first panel, as its tick labels place it: value -> y. */
function valueToY(svg: string): (value: number) => number {
  const ticks = [...svg.matchAll(/<text class="tick"[^>]*\sy="([^"]*)"[^>]*>([^<]*)</g)].map((m) => ({ y: Number(m[1]), v: Number(m[2]) }));
  assert.ok(ticks.length >= 2, "at least two y ticks");
  const [a, b] = [ticks[0]!, ticks[1]!];
  return (value) => a.y + ((value - a.v) * (b.y - a.y)) / (b.v - a.v);
}

function yTicks(svg: string): number[] {
  return [...svg.matchAll(/<text class="tick"[^>]*>([^<]*)</g)].map((m) => Number(m[1]));
}

test("the svg is well-formed XML with no background of its own and text in currentColor", () => {
  const svg = renderTimeSeriesChartSvg(quality);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" [^>]*width="640"/);
  assertWellFormedXml(svg);
  assert.doesNotMatch(svg, /fill="(#fff(fff)?|white)"/i);
  const textFills = [...svg.matchAll(/<text[^>]*fill="([^"]*)"/g)].map((m) => m[1]);
  assert.ok(textFills.length > 5 && textFills.every((f) => f === "currentColor"), `text fills ${textFills}`);
  assert.ok(!svg.includes("NaN") && !svg.includes("Infinity"));
});

test("one marker per measured point; violations below the lower limit are marked by a ringed diamond", () => {
  const { points, violations } = markers(renderTimeSeriesChartSvg(quality));
  assert.equal(points.length + violations.length, 5);
  assert.equal(violations.length, 1);
  assert.match(violations[0]!, /<circle [^>]*fill="none"[^>]*stroke="#e15759"/, "a ring");
  assert.match(violations[0]!, /<path d="M[^"]*Z" fill="#e15759"/, "a filled diamond: a shape of its own, not colour alone");
  assert.match(violations[0]!, /<title>2026-01-15 00:00 UTC: 0.65<\/title>/);
});

test("violations: below lower, above upper, or flagged by the monitor; a null value is no marker", () => {
  const input: TimeSeriesChartInput = {
    kind: "time_series",
    title: "t",
    series: [
      {
        metric: "accuracy",
        lower_limit: 0.8,
        upper_limit: 0.95,
        points: [
          { ts: at(0), value: 0.9 },
          { ts: at(1), value: 0.79 },
          { ts: at(2), value: 0.96 },
          { ts: at(3), value: 0.9, violation: true },
          { ts: at(4), value: null, violation: true },
          { ts: at(5), value: 0.85, violation: false },
        ],
      },
    ],
  };
  const svg = renderTimeSeriesChartSvg(input);
  const { points, violations } = markers(svg);
  assert.equal(points.length + violations.length, 5, "markers = non-null points");
  assert.equal(violations.length, 3);
  assert.match(svg, /class="summary"[^>]*>latest 0.85 · 3 violations of 5</);
  assert.match(renderTimeSeriesChartText(input, { width: 100 }), /\(lower limit 0.8; upper limit 0.95; 3 violations of 5\)/);
});

test("a limit is a dashed line at its value's y, labelled 'lower limit 0.7', and the axis reaches it", () => {
  const high: TimeSeriesChartInput = { ...quality, series: [{ ...quality.series[0]!, points: [0.91, 0.93, 0.92].map((value, i) => ({ ts: at(i), value })) }] };
  for (const input of [quality, high]) {
    const svg = renderTimeSeriesChartSvg(input);
    const limit = /<g class="limit" data-limit="lower"[^>]*><line[^>]*>/.exec(svg);
    assert.ok(limit, "a limit line");
    assert.match(limit[0], /stroke-dasharray="6 4"/);
    const y = valueToY(svg)(0.7);
    assert.ok(Math.abs(attribute(limit[0], "y1") - y) < 0.02 && attribute(limit[0], "y2") === attribute(limit[0], "y1"), `at y ${y}: ${limit[0]}`);
    assert.match(svg, /<g class="limit"[^>]*>.*<text[^>]*>lower limit 0.7<\/text>/);
    assert.ok(Math.min(...yTicks(svg)) <= 0.7, "the value range includes the limit");
  }
  const upper = renderTimeSeriesChartSvg({ ...quality, series: [{ metric: "log_loss", upper_limit: 2, points: [{ ts: at(0), value: 0.4 }, { ts: at(1), value: 0.5 }] }] });
  assert.match(upper, /<g class="limit" data-limit="upper"/);
  assert.match(upper, />upper limit 2</);
  assert.ok(Math.max(...yTicks(upper)) >= 2);
});

test("markers sit at their value and in time order, whatever the input order", () => {
  const input: TimeSeriesChartInput = { ...quality, series: [{ metric: "m", points: [{ ts: at(2), value: 3 }, { ts: at(0), value: 1 }, { ts: at(1), value: 2 }] }] };
  const svg = renderTimeSeriesChartSvg(input);
  const toY = valueToY(svg);
  const placed = markers(svg).points.map((tag) => ({ x: attribute(tag, "cx"), y: attribute(tag, "cy") }));
  assert.deepEqual(placed.map((p) => p.x), [...placed.map((p) => p.x)].sort((a, b) => a - b));
  placed.forEach((p, i) => assert.ok(Math.abs(p.y - toY(i + 1)) < 0.02, `point ${i + 1} at y ${p.y}`));
  assert.match(svg, /<path class="line" d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+"/, "one line through the three, left to right");
});

test("one point: just its marker, no line", () => {
  const svg = renderTimeSeriesChartSvg({ ...quality, series: [{ metric: "r2", points: [{ ts: at(0), value: 0.62 }] }] });
  assert.equal(markers(svg).points.length, 1);
  assert.equal(count(svg, /<path class="line"/g), 0);
  assertWellFormedXml(svg);
  assert.ok(!svg.includes("NaN"));
});

test("null values leave gaps: the line breaks into runs and a lone point between gaps has no line", () => {
  const values = [0.8, 0.82, null, 0.79, null, 0.81, 0.83, 0.84];
  const svg = renderTimeSeriesChartSvg({ ...quality, series: [{ metric: "m", points: values.map((value, i) => ({ ts: at(i), value })) }] });
  const d = /<path class="line" d="([^"]*)"/.exec(svg)![1]!;
  assert.equal(count(d, /M/g), 2, `two runs: ${d}`);
  assert.equal(count(d, /L/g), 1 + 2);
  assert.equal(markers(svg).points.length, 6);
});

test("all-equal values get a real axis around them", () => {
  const svg = renderTimeSeriesChartSvg({ ...quality, series: [{ metric: "m", points: [0.3, 0.3, 0.3].map((value, i) => ({ ts: at(i), value })) }] });
  const ticks = yTicks(svg);
  assert.ok(ticks.length >= 2 && new Set(ticks).size === ticks.length && Math.min(...ticks) < 0.3 && Math.max(...ticks) > 0.3, `ticks ${ticks}`);
  assert.equal(new Set(markers(svg).points.map((p) => attribute(p, "cy"))).size, 1);
  assert.ok(!svg.includes("NaN"));
});

test("1,000 points: every one marked, and the svg stays small and well-formed", () => {
  const points = Array.from({ length: 1000 }, (_, i) => ({ ts: at(i, 15 * 60_000), value: 90 + 8 * Math.sin(i / 40) }));
  const svg = renderTimeSeriesChartSvg({ kind: "time_series", title: "many", series: [{ metric: "fairness_value", lower_limit: 83, points }] });
  const { points: normal, violations } = markers(svg);
  assert.equal(normal.length + violations.length, 1000);
  assert.ok(violations.length > 0);
  assert.ok(svg.length < 160_000, `${svg.length} bytes`);
  assertWellFormedXml(svg);
  assert.ok(count(svg, /<text class="time-tick"/g) <= 6);
});

test("metric names and titles with HTML are escaped everywhere", () => {
  const input: TimeSeriesChartInput = {
    kind: "time_series",
    title: `<script>alert(1)</script>`,
    series: [
      { metric: `<script>x</script>`, lower_limit: 0.7, points: [{ ts: at(0), value: 0.9 }, { ts: at(1), value: 0.6 }] },
      { metric: `<img src=x onerror=alert(1)>"&'`, points: [] },
    ],
  };
  for (const out of [renderTimeSeriesChartSvg(input), renderTimeSeriesChartHtml(input)]) {
    assert.ok(!out.includes("<script") && !out.includes("<img"), "nothing raw");
    assert.ok(out.includes("&lt;script&gt;x&lt;/script&gt;"));
    assert.ok(out.includes("&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#39;"));
    const tags = out.match(/<[^>]*>/g) ?? [];
    assert.ok(tags.every((tag) => !/\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"/g, '""'))), "no event handler attributes");
    assert.doesNotMatch(out, /href|url\(/i);
  }
  assertWellFormedXml(renderTimeSeriesChartSvg(input));
  assert.match(renderTimeSeriesChartHtml(input), /^<div[^>]*>\s*<h3[^>]*>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h3>\s*<svg[\s\S]*<\/svg>\s*<\/div>$/);
});

test("no points: 'No measurements yet'; a metric without points among others says so in its panel", () => {
  for (const input of [{ ...quality, series: [] }, { ...quality, series: [{ metric: "m", points: [] }] }, { ...quality, series: [{ metric: "m", points: [{ ts: at(0), value: null }] }] }]) {
    const svg = renderTimeSeriesChartSvg(input);
    assert.match(svg, />No measurements yet</);
    assertWellFormedXml(svg);
    assert.match(renderTimeSeriesChartText(input), /No measurements yet$/);
  }
  const mixed: TimeSeriesChartInput = { ...quality, series: [...quality.series, { metric: "accuracy", lower_limit: 0.8, points: [] }] };
  const svg = renderTimeSeriesChartSvg(mixed);
  assert.equal(count(svg, /<g class="panel"/g), 2);
  assert.match(svg, /<g class="panel" data-metric="accuracy">[\s\S]*class="empty"[^>]*>no measurements yet</);
  assert.match(renderTimeSeriesChartText(mixed, { width: 80 }), /^accuracy +no measurements yet$/m);
});

test("panels share one time axis: the same times are at the same x in every panel", () => {
  const input: TimeSeriesChartInput = {
    ...quality,
    series: [quality.series[0]!, { metric: "accuracy", points: [0.7, 0.71].map((value, i) => ({ ts: at(i * 4), value })) }],
  };
  const svg = renderTimeSeriesChartSvg(input);
  const xs = markers(svg).points.concat(markers(svg).violations.map((v) => /<circle[^>]*>/.exec(v)![0])).map((t) => attribute(t, "cx"));
  const first = markers(svg).points.map((t) => attribute(t, "cx"));
  assert.ok(xs.length === 7);
  assert.equal(first[0], first[4], "the first points of both panels, both at hour 0");
});

test("time ticks: round UTC times, at most 6, labelled for their step, the date or year under the first and where it changes", () => {
  const hours = timeTicks(start, start + 7 * HOUR);
  assert.deepEqual(hours.map((t) => t.lines), [["22:00", "Jan 14 2026"], ["00:00", "Jan 15 2026"], ["02:00"], ["04:00"]]);
  const days = timeTicks(Date.UTC(2025, 11, 29, 10), Date.UTC(2026, 0, 3, 10));
  assert.deepEqual(days.map((t) => t.lines), [["Dec 30", "2025"], ["Dec 31"], ["Jan 1", "2026"], ["Jan 2"], ["Jan 3"]]);
  const months = timeTicks(Date.UTC(2026, 0, 10), Date.UTC(2026, 6, 20));
  assert.deepEqual(months.map((t) => t.lines[0]), ["Feb", "Mar", "Apr", "May", "Jun", "Jul"]);
  const minutes = timeTicks(Date.UTC(2026, 0, 1, 9, 2), Date.UTC(2026, 0, 1, 9, 20));
  assert.deepEqual(minutes.map((t) => t.lines[0]), ["09:05", "09:10", "09:15", "09:20"]);
  const years = timeTicks(Date.UTC(2016, 5, 1), Date.UTC(2026, 5, 1));
  assert.ok(years.length <= 6 && years.every((t) => /^\d{4}$/.test(t.lines[0]!)), JSON.stringify(years));
  for (const ticks of [hours, days, months, minutes, years]) assert.ok(ticks.length >= 2 && ticks.length <= 6);
  const svg = renderTimeSeriesChartSvg(quality);
  assert.match(svg, /<text class="time-tick"[^>]*><tspan[^>]*>00:00<\/tspan><tspan[^>]*>Jan 15 2026<\/tspan><\/text>/);
  assert.match(svg, />time \(UTC\)</);
});

test("text: per metric the sparkline, the latest value, the limit and the violations", () => {
  const text = renderTimeSeriesChartText(quality, { width: 80 });
  const lines = text.split("\n");
  assert.equal(lines[0], "Quality");
  assert.equal(lines[1], "2026-01-14 22:00 → 2026-01-15 02:00 UTC");
  assert.match(lines[2]!, /^area_under_roc  [▁▂▃▄▅▆▇█]{5} 0.93 \(lower limit 0.7; 1 violation of 5\)$/);
  assert.equal(lines[2]!.match(/[▁-█]+/)![0][2], "▁", "the lowest value is the lowest bar");
  const gaps = renderTimeSeriesChartText({ ...quality, series: [{ metric: "m", points: [1, null, 3].map((value, i) => ({ ts: at(i), value })) }] });
  assert.match(gaps, /^m  ▁ █ 3 \(2 measurements\)$/m);
});

test("text stays within the terminal width, many points included", () => {
  const many: TimeSeriesChartInput = {
    kind: "time_series",
    title: "A rather long chart title that has to wrap on a narrow terminal <b>",
    series: [
      { ...quality.series[0]!, metric: "a_very_long_metric_name_that_does_not_fit_anywhere_at_all" },
      { metric: "fairness_value", lower_limit: 80, upper_limit: 120, points: Array.from({ length: 1000 }, (_, i) => ({ ts: at(i, 60_000), value: 70 + (i % 50) })) },
    ],
  };
  for (const width of [20, 32, 40, 60, 80, 120, 200]) {
    const lines = renderTimeSeriesChartText(many, { width }).split("\n");
    for (const line of lines) assert.ok(textWidth(line) <= width, `${textWidth(line)} > ${width}: ${line}`);
    assert.ok(lines.some((l) => l.includes("violations")), `width ${width} still tells the violations`);
  }
  const previous = process.env.COLUMNS;
  process.env.COLUMNS = "50";
  try {
    assert.ok(renderTimeSeriesChartText(many).split("\n").every((line) => textWidth(line) <= 50));
  } finally {
    if (previous === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = previous;
  }
});

test("rendering is deterministic", () => {
  assert.equal(renderTimeSeriesChartSvg(quality), renderTimeSeriesChartSvg(quality));
  assert.equal(renderTimeSeriesChartText(quality), renderTimeSeriesChartText(quality));
});

test("Output.chart takes every chart kind: consoleOutput prints each one's text, or shows its HTML in a notebook", () => {
  const matrix: ChartModel = { kind: "confusion_matrix", title: "Confusion matrix for (measurement_id=m1)", labels: ["No Risk", "Risk"], values: [[5, 1], [2, 7]] };
  const bars: ChartModel = { title: "count by Sex", group: ["Sex"], measure: "count", rows: [["female", 3]] };
  const printed: string[] = [];
  const log = console.log;
  console.log = (text: string) => void printed.push(text);
  try {
    for (const model of [quality, matrix, bars]) consoleOutput.chart(model);
  } finally {
    console.log = log;
  }
  assert.match(printed[0]!, /^Quality\n.*\narea_under_roc +[▁-█]+ 0.93/);
  assert.match(printed[1]!, /--- Confusion matrix for \(measurement_id=m1\) ---\n╔/);
  assert.match(printed[2]!, /^count by Sex\nfemale \| █+ 3$/);

  const html: string[] = [];
  const kernel = globalThis as { __tslab__?: unknown };
  kernel.__tslab__ = { require: () => ({ display: { html: (s: string) => html.push(s), text: () => undefined } }) };
  try {
    for (const model of [quality, matrix, bars]) consoleOutput.chart(model);
  } finally {
    delete kernel.__tslab__;
  }
  assert.equal(html.length, 3);
  assert.match(html[0]!, /<svg[\s\S]*class="panel" data-metric="area_under_roc"/);
  assert.match(html[1]!, /<table[\s\S]*actual \\ predicted/);
  assert.match(html[2]!, /<svg[\s\S]*<rect class="bar"/);

  const recording = new RecordingOutput();
  for (const model of [quality, matrix, bars]) recording.chart(model);
  assert.deepEqual(recording.charts, [quality, matrix, bars]);
  assert.deepEqual([recording.barCharts, recording.timeSeriesCharts, recording.confusionMatrices], [[bars], [quality], [matrix]]);
});
