import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  SynchronousRunPrinter,
  buildTable,
  escapeHtml,
  formatCell,
  getKernelDisplay,
  renderTableHtml,
  renderTableText,
  showTable,
  type TableModel,
} from "../../src/display/index";
import { ValidationError } from "../../src/errors";
import { DataDistribution } from "../../src/data-mart/data-distribution";
import type { DataMartService } from "../../src/service/data-mart-service";

/** Checks that every opened tag is closed in order (void elements aside): enough to catch broken markup. */
function assertBalanced(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z0-9]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing || ["br", "hr", "img", "meta"].includes(name!)) continue;
    if (closing) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, [], "unclosed tags");
}

const records = [
  { uid: "a", name: "older", service_type: "custom_machine_learning", created: "2026-01-01T00:00:00.000Z" },
  { uid: "b", name: "newer", service_type: "watson_machine_learning", created: "2026-02-01T00:00:00.000Z" },
  { uid: "c", name: "newest", service_type: "custom_machine_learning", created: "2026-03-01T00:00:00.000Z" },
];
const columns = ["uid", "name", "service_type", "created"];

describe("table model (v1 Table.list)", () => {
  test("newest first by created", () => {
    const t = buildTable({ title: "Service bindings", columns, records });
    assert.deepEqual(t.rows.map((r) => r[0]), ["c", "b", "a"]);
    assert.equal(t.note, undefined);
  });

  test("a filter narrows rows and is named in the title with Python-style quoting", () => {
    const t = buildTable({ title: "Service bindings", columns, records, filter: { service_type: "custom_machine_learning" } });
    assert.equal(t.title, "Service bindings (service_type='custom_machine_learning')");
    assert.deepEqual(t.rows.map((r) => r[0]), ["c", "a"]);
    const none = buildTable({ title: "T", columns, records, filter: { name: "it's" } });
    assert.equal(none.title, "T (name='it\\'s')");
    assert.equal(none.rows.length, 0);
  });

  test("an unknown filter key is an error listing the columns, never a silent match-all", () => {
    assert.throws(
      () => buildTable({ title: "T", columns, records, filter: { colour: "red" } }),
      (e: unknown) => e instanceof ValidationError && /colour: is not a column; filter on one of: uid, name, service_type, created/.test(e.message),
    );
  });

  test("limit and default_limit cut rows with the v1 notes, verbatim", () => {
    assert.equal(buildTable({ title: "T", columns, records, default_limit: 2 }).note, "Note: Only first 2 records were displayed. To display more use 'limit' parameter.");
    assert.equal(buildTable({ title: "T", columns, records, limit: 1 }).note, "Note: First 1 records were displayed.");
    assert.equal(buildTable({ title: "T", columns, records, limit: 1 }).rows.length, 1);
    assert.equal(buildTable({ title: "T", columns, records, limit: 3 }).note, undefined);
  });
});

describe("cell formatting", () => {
  test("values read the same in HTML and text", () => {
    assert.equal(formatCell(null), "");
    assert.equal(formatCell(undefined), "");
    assert.equal(formatCell(new Date("2026-01-02T03:04:05.678Z")), "2026-01-02T03:04:05.678Z");
    assert.equal(formatCell(["a", "b"]), '["a", "b"]');
    assert.equal(formatCell(false), "false");
    assert.equal(formatCell(0.123456789), "0.123457");
    assert.equal(formatCell(42), "42");
    assert.equal(formatCell({ a: 1 }), '{"a":1}');
  });
});

describe("arrays and timestamps", () => {
  test("arrays print as lists, in HTML and text", () => {
    assert.equal(formatCell([0.5078391, 0.4921609]), "[0.507839, 0.492161]");
    assert.equal(formatCell([1, null, [2, 3], { a: 1 }]), '[1, null, [2, 3], {"a":1}]');
    assert.equal(formatCell([]), "[]");
    const model: TableModel = { title: "P", columns: ["probability"], rows: [[[0.507839, 0.492161]]] };
    assert.match(renderTableHtml(model), /<td[^>]*>\[0\.507839, 0\.492161\]<\/td>/);
    assert.match(renderTableText(model, { width: 80 }), /│?\s\[0\.507839, 0\.492161\] ║/);
  });

  test("timestamp and date cells stay on one line in HTML; free text may wrap", () => {
    const html = renderTableHtml({
      title: "T",
      columns: ["scoring_timestamp", "hour", "when", "day", "name"],
      rows: [[new Date("2026-12-01T22:57:00.827Z"), "2026-12-01T22:00:00.000Z", "2026-12-01 22:57:00+00:00", "2026-12-01", "German credit risk"]],
    });
    const cells = [...html.matchAll(/<td style="([^"]*)">([^<]*)<\/td>/g)].map((m) => ({ style: m[1]!, text: m[2]! }));
    assert.equal(cells.length, 5);
    for (const cell of cells.slice(0, 4)) assert.match(cell.style, /white-space: nowrap/, `${cell.text} is kept on one line`);
    assert.doesNotMatch(cells[4]!.style, /nowrap/);
  });
});

describe("showTable of records (what get_run_result returns)", () => {
  const distributions = [
    { prediction: "No Risk", Sex: "female", count: 19 },
    { prediction: "No Risk", Sex: "male", count: 58 },
    { prediction: "Risk", Sex: "female", count: 14 },
  ];

  test("a list of records shows as an HTML table: one column per key, no (index) column, strings unquoted", () => {
    const html: string[] = [];
    const sink = { html: (s: string) => html.push(s), text: () => undefined };
    showTable(distributions, { title: "Sex distribution", sink });
    assert.equal(html.length, 1);
    assertBalanced(html[0]!);
    assert.match(html[0]!, /<h3[^>]*>Sex distribution<\/h3>/);
    assert.deepEqual([...html[0]!.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]), ["prediction", "Sex", "count"]);
    assert.match(html[0]!, /<td[^>]*>No Risk<\/td><td[^>]*>male<\/td><td[^>]*text-align: right[^>]*>58<\/td>/);
    assert.doesNotMatch(html[0]!, /\(index\)|&#39;No Risk&#39;|&quot;/);
    showTable(distributions, sink);
    assert.doesNotMatch(html[1]!, /<h3/, "no title unless given");
  });

  test("records with different keys, {fields, values}, and outside a notebook a text table", () => {
    const lines: string[] = [];
    showTable([{ a: 1 }, { b: "x" }], { out: { log: (t) => lines.push(t) } });
    assert.match(lines[0]!, /║ a +│ b +║/);
    showTable({ fields: ["Sex", "count"], values: [["female", 33]] }, { title: "F", out: { log: (t) => lines.push(t) } });
    assert.match(lines[1]!, /^--- F ---\n[\s\S]*║ female │ +33 ║/);
    showTable([], { title: "None", out: { log: (t) => lines.push(t) } });
    assert.equal(lines[2], "--- None ---\nNo records\n");
    assert.throws(() => showTable([1, 2] as never), (e: unknown) => e instanceof ValidationError && /\[0\]: is not a record/.test(e.message));
  });

  test("data_distribution.show_table shows the run's result as a table", async () => {
    const run = {
      id: "r", status: "completed", dataset: "payload", group: ["prediction", "Sex"], agg: ["count"], start: "", end: "",
      distribution: { fields: ["prediction", "Sex", "count"], values: distributions.map((d) => [d.prediction, d.Sex, d.count]) },
    };
    const tables: TableModel[] = [];
    const output = { table: (t: TableModel) => tables.push(t), chart: () => undefined, print: () => undefined, warn: () => undefined };
    const service = { getDataDistribution: async () => run } as unknown as DataMartService;
    await new DataDistribution(service, output, { uid: "s", binding_uid: "b" }).show_table("r");
    assert.deepEqual(tables, [{ title: "Data distribution: count by prediction and Sex", columns: ["prediction", "Sex", "count"], rows: run.distribution.values }]);
  });
});

describe("HTML rendering", () => {
  const hostile: TableModel = {
    title: `<img src=x onerror="alert(1)"> & 'title'`,
    columns: ["uid", "<b>name</b>"],
    rows: [["u-1", "<script>alert('x')</script> & \"co\""]],
    note: "<i>note</i>",
  };

  test("every user string is escaped; no script, no iframe, no event handler survives", () => {
    const html = renderTableHtml(hostile);
    assert.ok(!html.includes("<script"));
    assert.ok(!html.includes("<img"));
    assert.ok(!html.includes("<b>"));
    assert.ok(!/<[^>]*\sonerror=/.test(html), "no event handler inside any tag");
    assert.ok(!/<iframe/i.test(html));
    assert.match(html, /&lt;script&gt;alert\(&#39;x&#39;\)&lt;\/script&gt; &amp; &quot;co&quot;/);
    assert.match(html, /&lt;i&gt;note&lt;\/i&gt;/);
    assertBalanced(html);
  });

  test("a proper table: thead/tbody, inline styles only, uid cells kept on one line", () => {
    const html = renderTableHtml(buildTable({ title: "Service bindings", columns, records }));
    assertBalanced(html);
    assert.match(html, /<thead><tr><th[^>]*>uid<\/th>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, 4);
    assert.ok(!/class=|<style|<link/.test(html));
    assert.match(html, /<td style="[^"]*white-space: nowrap[^"]*">c<\/td>/);
    assert.match(html, /color: inherit/);
  });

  test("an empty table says so", () => {
    const html = renderTableHtml({ title: "Empty", columns: ["a", "b"], rows: [] });
    assert.match(html, /colspan="2">No records</);
    assertBalanced(html);
  });

  test("escapeHtml covers the five special characters", () => {
    assert.equal(escapeHtml(`<>&"'`), "&lt;&gt;&amp;&quot;&#39;");
  });
});

describe("text rendering", () => {
  test("a left-aligned title, the rows, and the note", () => {
    const text = renderTableText(buildTable({ title: "Service bindings", columns, records, limit: 2 }), { width: 200 });
    const lines = text.split("\n");
    assert.equal(lines[0], "--- Service bindings ---");
    assert.match(text, /newest/);
    assert.match(text, /Note: First 2 records were displayed\./);
  });

  test("a narrow terminal wraps other columns but keeps uids whole", () => {
    const uid = "3e949909-dc80-4c09-9968-c55019d272df";
    const model: TableModel = { title: "T", columns: ["uid", "description"], rows: [[uid, "words ".repeat(40).trim()]] };
    const text = renderTableText(model, { width: 80 });
    assert.ok(text.includes(uid), "the uid is on one line");
    assert.ok(text.split("\n").every((l) => l.length <= 80), "fits in 80 columns");
    assert.ok(text.split("\n").filter((l) => /│ words/.test(l)).length > 1, "the description wraps");
    assert.doesNotMatch(text, /left out/);
  });
});

describe("tslab bridge", () => {
  test("outside a kernel there is no display, and tables print as text", () => {
    assert.equal(getKernelDisplay(), undefined);
    const lines: string[] = [];
    showTable({ title: "T", columns: ["a"], rows: [[1]] }, undefined, { log: (t) => lines.push(t) });
    assert.match(lines.join(""), /--- T ---/);
  });

  test("inside a kernel the kernel's own tslab receives HTML", () => {
    const html: string[] = [];
    const fake = { display: { html: (s: string) => html.push(s), text: () => undefined } };
    const g = globalThis as { __tslab__?: unknown };
    g.__tslab__ = { require: (id: string) => (id === "tslab" ? fake : undefined) };
    try {
      const sink = getKernelDisplay();
      assert.ok(sink);
      showTable({ title: "T", columns: ["a"], rows: [["<x>"]] }, sink);
      assert.match(html[0]!, /&lt;x&gt;/);
    } finally {
      delete g.__tslab__;
    }
  });

  test("a kernel whose tslab throws (a second copy: 'Not ready') falls back to text", () => {
    const g = globalThis as { __tslab__?: unknown };
    g.__tslab__ = { require: () => { throw new Error("Not ready"); } };
    try {
      assert.equal(getKernelDisplay(), undefined);
    } finally {
      delete g.__tslab__;
    }
  });
});

describe("synchronous run blocks", () => {
  test("match the v1 SDK's output for a quality run, line for line", () => {
    const printed: string[] = [];
    const p = new SynchronousRunPrinter("Waiting for end of quality monitoring run d843c6cc-861f-4619-939d-e5b4d4590542", (t) => printed.push(t));
    p.start();
    p.state("initializing");
    p.state("completed");
    p.success("Successfully finished run");
    const expected = [
      "", "",
      "================================================================================", "",
      " Waiting for end of quality monitoring run d843c6cc-861f-4619-939d-e5b4d4590542 ", "",
      "================================================================================", "", "", "",
      "initializing", "completed", "",
      "---------------------------", " Successfully finished run ", "---------------------------", "", "",
    ].join("\n");
    assert.equal(printed.join(""), expected);
  });

  test("a state seen again prints a dot", () => {
    const printed: string[] = [];
    const p = new SynchronousRunPrinter("T", (t) => printed.push(t));
    p.start();
    p.state("running");
    p.state("running");
    p.state("running");
    p.failure("Run failed with status: error", "Reason: x");
    assert.match(printed[0]!, /\nrunning\.\.\n/);
    assert.match(printed[0]!, /Reason: x\n$/);
  });
});
