/**
 * What a reader sees of the committed notebooks without running them: code that fits an exported page, sections
 * numbered as IBM's tutorials number them (and not renumbered by Markdown), a contents list that matches the
 * sections, and credentials read the one documented way.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

const root = path.resolve(__dirname, "../..");
const notebooksDir = path.join(root, "notebooks");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const MAX_CODE_LINE = 100;

interface Cell {
  cell_type: string;
  source: string | string[];
}
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

/** Jupyter's anchor for a heading: its text with spaces as hyphens. */
const anchor = (heading: string) => heading.trim().replace(/ /g, "-");

/** Ordered-list items Markdown would renumber: items of one list must count up by one from the first. */
export function renumberedItems(markdown: string): string[] {
  const wrong: string[] = [];
  let expected: number | undefined;
  for (const line of markdown.split("\n")) {
    const item = /^(\d+)\.\s/.exec(line);
    if (item) {
      const n = Number(item[1]);
      if (expected !== undefined && n !== expected) wrong.push(`'${line}' is shown as ${expected}.`);
      expected = (expected ?? n) + 1;
    } else if (line.trim() === "" || !/^\s/.test(line)) {
      if (line.trim() !== "") expected = undefined; // a paragraph ends the list; a blank line may sit between items
    }
  }
  return wrong;
}

const notebooks = fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();

describe("notebook lint", () => {
  test("the lint catches what it should", () => {
    assert.deepEqual(renumberedItems("1. a\n2. b\n4. c"), ["'4. c' is shown as 3."]);
    assert.deepEqual(renumberedItems("1. a\n\n2. b\n\ntext\n\n7. c"), []);
    assert.deepEqual(renumberedItems("- [7. Payload analytics](#7.-Payload-analytics)"), []);
  });

  for (const name of notebooks) {
    test(name, () => {
      const cells = (JSON.parse(fs.readFileSync(path.join(notebooksDir, name), "utf8")) as { cells: Cell[] }).cells;
      const problems: string[] = [];
      const markdown = cells.filter((c) => c.cell_type === "markdown").map(text);
      const code = cells.filter((c) => c.cell_type === "code").map(text);

      code.forEach((source, i) =>
        source.split("\n").forEach((line, j) => {
          if (line.length > MAX_CODE_LINE) problems.push(`code cell ${i + 1} line ${j + 1} is ${line.length} characters (at most ${MAX_CODE_LINE}, or HTML export cuts it)`);
        }),
      );
      for (const md of markdown) problems.push(...renumberedItems(md));

      const sections = markdown.flatMap((md) => [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]!));
      const numbers = sections.map((s) => /^(\d+)\. /.exec(s)?.[1]).filter((n): n is string => n !== undefined).map(Number);
      if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!)) problems.push(`section numbers do not increase: ${numbers.join(", ")}`);

      const contents = /^Contents.*\n\n((?:- \[.*\n?)+)/m.exec(markdown[0] ?? "");
      if (contents) {
        const links = [...contents[1]!.matchAll(/^- \[(.+?)\]\(#(.+?)\)/gm)].map((m) => ({ title: m[1]!, target: m[2]! }));
        const listed = links.map((l) => l.title);
        const shown = sections.filter((s) => listed.includes(s));
        assert.deepEqual(listed, shown, "the contents list names the sections, in order");
        for (const l of links) if (l.target !== anchor(l.title)) problems.push(`contents link '${l.title}' goes to #${l.target}, not #${anchor(l.title)}`);
        const missing = sections.filter((s) => /^\d+\. /.test(s) && !listed.includes(s));
        if (missing.length) problems.push(`sections missing from the contents: ${missing.join("; ")}`);
      }
      if (/sections? 1[–-]2/.test(markdown[0] ?? "") && sections.some((s) => /^[3-9]\. /.test(s))) problems.push("the introduction still says sections 1–2");

      const all = code.join("\n");
      if (/console\.table\(/.test(all)) problems.push("console.table shows an (index) column and quoted strings: show rows with showTable");
      if (/start_date:\s*["'`]\d{4}-/.test(all)) problems.push("a hard-coded start_date: leave it out (the default covers the payloads)");
      for (const m of all.matchAll(/process\.env\.(\w+)/g)) {
        if (m[1] !== "POSTGRES_URL") problems.push(`reads process.env.${m[1]}: read credentials with credentialsFromEnvironment, under the README's names`);
      }
      for (const m of all.matchAll(/credentialsFromEnvironment\(\s*"(\w+)"/g)) {
        if (!readme.includes(m[1]!)) problems.push(`${m[1]} is not documented in the README`);
      }
      assert.deepEqual(problems, []);
    });
  }
});
