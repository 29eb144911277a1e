import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderTableText, type TableModel } from "../../src/display/index";

/** The demo's "Available assets" table: uids, ids with hyphens, timestamps, free-text names. */
const assets: TableModel = {
  title: "Available assets",
  columns: ["source_uid", "name", "created", "type", "frameworks", "binding_uid", "is_subscribed"],
  rows: [
    ["credit", "credit", "2026-01-15T09:30:00.000Z", "model", "", "8c146b5b-f93c-4204-ae89-548f338737f9", false],
    ["credit-risk-linear-learner", "credit-risk-linear-learner", "2026-01-15T09:30:00.000Z", "model", "", "3f785e47-78c6-4d1e-8b38-021079c4396c", false],
    ["credit-risk-web-service", "German credit risk (Studio)", "2026-01-15T09:30:00.000Z", "model", "", "4bc100f2-9820-45ce-b4b5-69b6ef8d0254", true],
    ["cb7d520b-afce-54eb-a3c6-8dd62fe0b867", "German credit risk model", "2026-01-15T09:30:00.000Z", "model", "scikit-learn_1.1", "cded51f4-7bd0-4ab4-bee6-25cc927f2aaf", false],
  ],
};

/** A payload table of 30 columns: ids, a timestamp, numbers with many digits, categories and probability arrays. */
const payloadColumns = [
  "scoring_id", "scoring_timestamp", "deployment_id", "CheckingStatus", "LoanDuration", "CreditHistory", "LoanPurpose", "LoanAmount",
  "ExistingSavings", "EmploymentDuration", "InstallmentPercent", "Sex", "OthersOnLoan", "CurrentResidenceDuration", "OwnsProperty", "Age",
  "InstallmentPlans", "Housing", "ExistingCreditsCount", "Job", "Dependents", "Telephone", "ForeignWorker", "prediction", "probability",
  "prediction_probability", "response_time", "debiased_prediction", "debiased_probability", "asset_revision",
];
const payloadRows = [1, 2, 3].map((n) => [
  `a5354f5f-ed0c-4f71-96c8-79b5a2eaa672-${n}`, new Date(`2026-12-01T22:57:0${n}.827Z`), "credit", "no_checking", 27 + n, "all_credits_paid_back",
  "repairs", 5731.25 + n, "unknown", "less_1", 3, "female", "none", 5, "savings_insurance", 19 + n, "none", "free", 1, "skilled", 1, "none",
  "yes", "No Risk", [0.507839 + n / 1000, 0.492161 - n / 1000], 0.507839 + n / 1000, 7, "No Risk", [0.612345, 0.387655], "",
]);
const payload: TableModel = {
  title: "Payload_1d0423b2-8c8a-4b60-886d-be3e4f68b89e (binding_id=8c146b5b-f93c-4204-ae89-548f338737f9, subscription_id=1d0423b2-8c8a-4b60-886d-be3e4f68b89e)",
  columns: payloadColumns,
  rows: payloadRows,
};

/** The columns the boxed table shows: the header row's cells (headers may wrap, so the header block's lines are joined per column). */
function shownColumns(text: string): string[] {
  const lines = text.split("\n");
  const top = lines.findIndex((l) => l.startsWith("╔"));
  const bottomOfHeader = lines.findIndex((l, i) => i > top && l.startsWith("╟"));
  const header = lines.slice(top + 1, bottomOfHeader).map((l) => l.slice(1, -1).split("│").map((c) => c.trim()));
  return header[0]!.map((_, i) => header.map((h) => h[i]).join("")).filter((c) => c !== "");
}

/** The columns the note says were left out. */
function leftOut(text: string): string[] {
  const note = /Note: \d+ columns? (?:was|were) left out to fit \d+ characters: ([^.]*)\./.exec(text.replace(/\n(?!\n)/g, " ").replace(/ {2,}/g, " "));
  return note ? note[1]!.split(", ").map((c) => c.trim()) : [];
}

function assertFits(text: string, width: number): void {
  for (const line of text.split("\n")) assert.ok(line.length <= width, `line of ${line.length} > ${width}: ${line}`);
}

/** Every whitespace-free token of every shown cell is on one line, whole. */
function assertTokensWhole(text: string, model: TableModel, cell: (v: unknown) => string): void {
  const lines = text.split("\n");
  const shown = new Set(shownColumns(text));
  model.columns.forEach((column, i) => {
    if (!shown.has(column)) return;
    for (const row of model.rows) {
      for (const token of cell(row[i]).split(/\s+/).filter((t) => t !== "")) {
        assert.ok(lines.some((l) => l.includes(token)), `${column}: '${token}' is broken across lines`);
      }
    }
  });
}

const asText = (v: unknown) =>
  v instanceof Date ? v.toISOString() : Array.isArray(v) ? `[${v.join(", ")}]` : v === null || v === undefined ? "" : String(v);

describe("terminal tables fit the terminal", () => {
  for (const width of [80, 120]) {
    test(`the assets table fits ${width} columns, keeps every token whole and names the columns left out`, () => {
      const text = renderTableText(assets, { width });
      assertFits(text, width);
      assertTokensWhole(text, assets, asText);
      const shown = shownColumns(text);
      const missing = leftOut(text);
      assert.ok(shown.length >= 3, `shows some columns: ${shown}`);
      assert.deepEqual([...shown, ...missing].sort(), [...assets.columns].sort(), "every column is shown or named as left out");
      assert.equal(shown[0], "source_uid");
    });

    test(`a 30-column payload table fits ${width} columns, never splits a number, and the note names the columns left out`, () => {
      const text = renderTableText(payload, { width });
      assertFits(text, width);
      assertTokensWhole(text, payload, asText);
      const shown = shownColumns(text);
      const missing = leftOut(text);
      assert.ok(missing.length > 0, "a 30-column payload table cannot fit: some columns are left out");
      assert.deepEqual([...shown, ...missing].sort(), [...payload.columns].sort());
      assert.match(text.replace(/\s+/g, " "), new RegExp(`Note: ${missing.length} columns were left out to fit ${width} characters: `));
    });
  }

  test("the title is left-aligned and wraps within the width", () => {
    const text = renderTableText(payload, { width: 80 });
    const lines = text.split("\n");
    assert.ok(lines[0]!.startsWith("--- Payload_1d0423b2"), `title starts at column 0: '${lines[0]}'`);
    assert.ok(!/^ /.test(lines[1]!), "its continuation is not indented");
    assertFits(text, 80);
  });

  test("a short table is left as it is, its title at column 0", () => {
    const text = renderTableText({ title: "T", columns: ["a", "b"], rows: [[1, "x"]] }, { width: 80 });
    assert.equal(text.split("\n")[0], "--- T ---");
    assert.doesNotMatch(text, /left out/);
  });

  test("free text wraps at word boundaries only", () => {
    const words = "the quick brown fox jumps over the lazy dog and keeps running along the river bank until it is dark";
    const text = renderTableText({ title: "T", columns: ["uid", "description"], rows: [["3e949909-dc80-4c09-9968-c55019d272df", words]] }, { width: 60 });
    assertFits(text, 60);
    const cellLines = text.split("\n").filter((l) => l.startsWith("║") && !l.includes("description")).map((l) => l.split("│")[1]!.replace("║", "").trim());
    assert.ok(cellLines.length > 1, "the description wraps");
    assert.equal(cellLines.join(" ").replace(/\s+/g, " ").trim(), words, "every word whole, in order");
  });

  test("without a width and outside a terminal the table is fitted to COLUMNS, else 80", () => {
    const saved = process.env.COLUMNS;
    try {
      delete process.env.COLUMNS;
      assertFits(renderTableText(assets), 80);
      process.env.COLUMNS = "100";
      const text = renderTableText(assets);
      assertFits(text, 100);
      assert.ok(text.split("\n").some((l) => l.length > 80), "uses the 100 columns");
    } finally {
      if (saved === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = saved;
    }
  });

  test("numbers are never split, even in a narrow column", () => {
    const model: TableModel = { title: "N", columns: ["v"], rows: [[123456789.123456], [[0.507839, 0.492161]]] };
    const text = renderTableText(model, { width: 20 });
    assertFits(text, 20);
    assert.ok(text.includes("123456789.123456"));
    assert.ok(text.includes("0.507839") && text.includes("0.492161"));
  });
});
