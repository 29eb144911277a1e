import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cellShade,
  confusionMatrixTable,
  renderConfusionMatrixHtml,
  renderConfusionMatrixText,
  renderTableText,
  type ConfusionMatrixInput,
} from "../../src/display/index";
import { textWidth } from "../../src/display/wrap-text";

/** The matrix a binary credit-risk quality run stores (v1 notebook numbers). */
const binary: ConfusionMatrixInput = {
  kind: "confusion_matrix",
  title: "Confusion matrix for (measurement_id=8a88)",
  labels: ["No Risk", "Risk"],
  values: [
    [1339, 25],
    [85, 551],
  ],
  recall_per_label: [0.9817, 0.8664],
  precision_per_label: [0.9403, 0.9566],
};

/** Checks that every opened tag is closed in order (as the bar chart tests do). */
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

function headers(html: string): string[] {
  return [...html.matchAll(/<thead>[\s\S]*?<\/thead>/g)].flatMap((m) => [...m[0].matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((c) => c[1]!));
}

/** The count cells: their text, background and whether they are on the diagonal. */
function countCells(html: string, labels: number): { text: string; background: string; diagonal: boolean }[] {
  const rows = [...html.matchAll(/<tbody>[\s\S]*<\/tbody>/g)][0]![0].split("</tr>").filter((r) => r.includes("<td"));
  return rows.flatMap((row, actual) =>
    [...row.matchAll(/<td style="([^"]*)"[^>]*>([^<]*)<\/td>/g)].slice(0, labels).map((m, predicted) => ({
      text: m[2]!,
      background: /background: ([^;]*(?:\([^)]*\))?)/.exec(m[1]!)?.[1] ?? "",
      diagonal: actual === predicted,
    })),
  );
}

function alphaOf(background: string): number {
  if (background === "transparent") return 0;
  const m = /^rgba\(\d+, \d+, \d+, ([\d.]+)\)$/.exec(background);
  assert.ok(m, `rgba background: ${background}`);
  return Number(m[1]);
}

test("html: the v1 columns, one row per actual label with its counts, recall and precision", () => {
  const html = renderConfusionMatrixHtml(binary);
  assert.deepEqual(headers(html), ["actual \\ predicted", "No Risk", "Risk", "recall", "precision"]);
  assert.match(html, /<h3[^>]*>Confusion matrix for \(measurement_id=8a88\)<\/h3>/);
  assert.match(html, /<tr><th[^>]*>No Risk<\/th><td[^>]*>1339<\/td><td[^>]*>25<\/td><td[^>]*>0.9817<\/td><td[^>]*>0.9403<\/td><\/tr>/);
  assert.match(html, /<tr><th[^>]*>Risk<\/th><td[^>]*>85<\/td><td[^>]*>551<\/td><td[^>]*>0.8664<\/td><td[^>]*>0.9566<\/td><\/tr>/);
  assert.match(html, /title="actual Risk, predicted No Risk: 85"/);
  assertBalanced(html);
});

test("shading: alpha grows with the count, capped, zero is unshaded; diagonal and errors in two hues", () => {
  const values = [
    [90, 0, 3, 12],
    [1, 40, 7, 0],
    [25, 2, 60, 5],
    [0, 9, 4, 77],
  ];
  const html = renderConfusionMatrixHtml({ kind: "confusion_matrix", title: "4 classes", labels: ["a", "b", "c", "d"], values });
  const cells = countCells(html, 4).map((c) => ({ ...c, count: Number(c.text), alpha: alphaOf(c.background) }));
  assert.equal(cells.length, 16);
  const sorted = [...cells].sort((x, y) => x.count - y.count);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (b.count > a.count) assert.ok(b.alpha > a.alpha, `alpha of ${b.count} (${b.alpha}) > alpha of ${a.count} (${a.alpha})`);
    else assert.equal(b.alpha, a.alpha);
  }
  assert.ok(cells.every((c) => c.alpha <= 0.55), "capped so that the text stays legible");
  assert.equal(Math.max(...cells.map((c) => c.alpha)), 0.55, "the largest count gets the cap");
  assert.ok(cells.filter((c) => c.count === 0).every((c) => c.background === "transparent"));
  const hue = (c: { background: string }) => c.background.replace(/, [\d.]+\)$/, "");
  const diagonalHues = new Set(cells.filter((c) => c.diagonal).map(hue));
  const errorHues = new Set(cells.filter((c) => !c.diagonal && c.count > 0).map(hue));
  assert.equal(diagonalHues.size, 1);
  assert.equal(errorHues.size, 1);
  assert.notDeepEqual([...diagonalHues], [...errorHues]);
  assert.doesNotMatch(html, /(?<!-)color:(?! inherit)/, "text keeps the notebook's colour");
});

test("cellShade is monotone in count / max, and 0 without a largest count", () => {
  const alphas = [0, 1, 2, 5, 10, 50, 99, 100].map((n) => alphaOf(cellShade(n, 100, true)));
  assert.deepEqual([...alphas].sort((a, b) => a - b), alphas);
  assert.equal(new Set(alphas).size, alphas.length);
  assert.equal(cellShade(0, 0, false), "transparent");
  assert.equal(cellShade(500, 100, false), cellShade(100, 100, false), "never past the cap");
});

test("every string is escaped: labels and title with <script> never appear raw", () => {
  const hostile: ConfusionMatrixInput = {
    kind: "confusion_matrix",
    title: "<script>alert(1)</script>",
    labels: ["<script>a</script>", `"&'<b>`],
    values: [
      [1, 2],
      [3, 4],
    ],
  };
  const html = renderConfusionMatrixHtml(hostile);
  assert.ok(!html.includes("<script") && !html.includes("<b>"));
  assert.ok(html.includes("&lt;script&gt;a&lt;/script&gt;") && html.includes("&quot;&amp;&#39;&lt;b&gt;"));
  assert.match(html, /title="actual &lt;script&gt;a&lt;\/script&gt;, predicted &quot;&amp;&#39;&lt;b&gt;: 2"/);
  assertBalanced(html);
});

test("recall and precision columns only when given; ragged or non-finite values leave cells blank", () => {
  const html = renderConfusionMatrixHtml({ kind: "confusion_matrix", title: "t", labels: ["x", "y"], values: [[3], [NaN, 4]] });
  assert.deepEqual(headers(html), ["actual \\ predicted", "x", "y"]);
  assert.deepEqual(countCells(html, 2).map((c) => c.text), ["3", "", "", "4"]);
  assert.ok(!html.includes("NaN"));
  assert.deepEqual(confusionMatrixTable({ kind: "confusion_matrix", title: "t", labels: ["x"], values: [[1]], recall_per_label: [1] }).columns, ["actual \\ predicted", "x", "recall"]);
  assert.match(renderConfusionMatrixHtml({ kind: "confusion_matrix", title: "t", labels: [], values: [] }), />No labels</);
});

test("text: the same table through the text table renderer, within the width", () => {
  const text = renderConfusionMatrixText(binary, { width: 80 });
  assert.equal(text, renderTableText(confusionMatrixTable(binary), { width: 80 }));
  assert.match(text, /^--- Confusion matrix for \(measurement_id=8a88\) ---$/m);
  assert.match(text, /║ actual \\ predicted │ No Risk │ Risk │ recall │ precision ║/);
  assert.match(text, /║ Risk +│ +85 │ +551 │ 0.8664 │ +0.9566 ║/);
  const wide: ConfusionMatrixInput = {
    kind: "confusion_matrix",
    title: "ten classes",
    labels: Array.from({ length: 10 }, (_, i) => `class_number_${i}`),
    values: Array.from({ length: 10 }, (_, a) => Array.from({ length: 10 }, (_, p) => (a === p ? 1000 : a + p))),
  };
  for (const width of [40, 80, 120]) {
    for (const line of renderConfusionMatrixText(wide, { width }).split("\n")) assert.ok(textWidth(line) <= width, `${textWidth(line)} > ${width}: ${line}`);
  }
});

test("a label that names a column (created, recall) is still one row and one column each, in order", () => {
  const model = confusionMatrixTable({ kind: "confusion_matrix", title: "t", labels: ["recall", "created"], values: [[1, 2], [3, 4]], recall_per_label: [0.5, 0.6] });
  assert.deepEqual(model.columns, ["actual \\ predicted", "recall", "created", "recall"]);
  assert.deepEqual(model.rows, [["recall", 1, 2, 0.5], ["created", 3, 4, 0.6]]);
});
