import { table, type ColumnUserConfig } from "table";
import { formatCell, isNumeric, keepOnOneLine } from "./format-cell";
import type { TableModel } from "./table-model";
import { narrowestWrap, textWidth, wrapText, type WrapKind } from "./wrap-text";

/**
 * The width text tables are fitted to: `COLUMNS` when set (as Python's `shutil.get_terminal_size` reads it), else the
 * terminal's width, else (piped to a file or a log) 80.
 */
export function terminalWidth(): number {
  const fromEnvironment = Number(process.env.COLUMNS);
  if (Number.isInteger(fromEnvironment) && fromEnvironment > 0) return fromEnvironment;
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return columns && columns > 0 ? columns : 80;
}

/** What a column needs: its widest line unwrapped, the narrowest it can wrap to without breaking a word. */
interface ColumnNeeds {
  name: string;
  natural: number;
  narrowest: number;
  alignRight: boolean;
  /** How each cell may wrap, row by row. */
  kinds: WrapKind[];
}

/**
 * The table as terminal text, every line at most `width` (default: {@link terminalWidth}) columns: the title, a boxed
 * table and the notes. Numbers, ids, timestamps and other words are never broken; free text wraps between words.
 * When the columns cannot all fit, those that fit are shown (in order) and a note names the others.
 */
export function renderTableText(model: TableModel, options: { width?: number } = {}): string {
  const width = Math.max(8, Math.floor(options.width ?? terminalWidth()));
  const cells = model.rows.map((row) => model.columns.map((_, i) => printable(formatCell(row[i]))));
  const needs = model.columns.map((name, i) => columnNeeds(printable(name), model.rows.map((row) => row[i]), cells.map((row) => row[i]!)));
  const shown = chooseColumns(needs, width);
  const widths = fitWidths(shown.map((i) => needs[i]!), width);
  tighten(widths, shown.map((i) => needs[i]!), width, (k, w) => {
    const need = needs[shown[k]!]!;
    const lines = [...wrapText(need.name, w, "name"), ...cells.flatMap((row, r) => wrapText(row[shown[k]!]!, w, need.kinds[r]))];
    return Math.max(1, ...lines.map(textWidth));
  });
  const header = shown.map((i, k) => wrapText(needs[i]!.name, widths[k]!, "name").join("\n"));
  const rows = cells.map((row, r) => shown.map((i, k) => wrapText(row[i]!, widths[k]!, needs[i]!.kinds[r]).join("\n")));
  const body = shown.length === 0 ? "" : table([header, ...rows], {
    columns: shown.map((i, k): ColumnUserConfig => ({ width: widths[k]!, wrapWord: false, alignment: needs[i]!.alignRight ? "right" : "left" })),
    drawHorizontalLine: (index, size) => index === 0 || index === 1 || index === size,
  });
  const leftOut = model.columns.filter((_, i) => !shown.includes(i));
  const notes = [
    ...(cells.length ? [] : ["No records"]),
    ...(model.note ? [model.note] : []),
    ...(leftOut.length ? [leftOutNote(leftOut, width)] : []),
  ];
  const title = model.title ? wrapText(`--- ${printable(model.title)} ---`, width) : [];
  const boxed = body ? [body.replace(/\n$/, "")] : [];
  return [...title, ...boxed, ...notes.flatMap((note) => wrapText(note, width))].join("\n") + "\n";
}

/** In the v1 notes' words: `Note: Only first 3 records were displayed. To display more use 'limit' parameter.` */
function leftOutNote(columns: string[], width: number): string {
  const [count, them] = columns.length === 1 ? ["1 column was", "it"] : [`${columns.length} columns were`, "them"];
  return `Note: ${count} left out to fit ${width} characters: ${columns.join(", ")}. To display ${them} widen the terminal or set COLUMNS.`;
}

function columnNeeds(name: string, values: unknown[], cells: string[]): ColumnNeeds {
  const kinds = cells.map((_, r): WrapKind => (keepOnOneLine(name, values[r]) ? "whole" : "words"));
  const natural = Math.max(1, textWidth(name), ...cells.flatMap((cell) => cell.split("\n").map(textWidth)));
  const narrowest = Math.max(1, narrowestWrap(name, "name"), ...cells.map((cell, r) => narrowestWrap(cell, kinds[r]!)));
  const present = values.filter((v) => v !== null && v !== undefined && v !== "");
  return { name, natural, narrowest, alignRight: present.length > 0 && present.every(isNumeric), kinds };
}

/** Borders and padding of a boxed table of `n` columns: `║ a │ b ║`. */
function frame(n: number): number {
  return 3 * n + 1;
}

/**
 * The columns shown: all when they fit at their narrowest, else, in order, each that still fits. When not even one
 * fits, the first (its words cut: the only way to show anything).
 */
function chooseColumns(needs: ColumnNeeds[], width: number): number[] {
  if (needs.length === 0) return [];
  const all = needs.map((_, i) => i);
  if (sum(needs.map((n) => n.narrowest)) + frame(needs.length) <= width) return all;
  const shown: number[] = [];
  let used = frame(0);
  needs.forEach((need, i) => {
    if (used + need.narrowest + 3 > width) return;
    shown.push(i);
    used += need.narrowest + 3;
  });
  return shown.length ? shown : [0];
}

/** Widths that fit: each column at its natural width, the widest wrappable ones narrowed first, never below their narrowest. */
function fitWidths(needs: ColumnNeeds[], width: number): number[] {
  const widths = needs.map((n) => n.natural);
  let excess = sum(widths) + frame(widths.length) - width;
  while (excess > 0) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > needs[i]!.narrowest && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]!--;
    excess--;
  }
  // Only when one column alone is too wide for the terminal: cut it to what is left.
  if (excess > 0 && widths.length === 1) widths[0] = Math.max(1, width - frame(1));
  return widths;
}

/**
 * A wrapped column is narrowed to its longest wrapped line, and the room that frees un-wraps other columns, those
 * that need the least first: no column is left wider than what it shows.
 */
function tighten(widths: number[], needs: ColumnNeeds[], width: number, wrappedWidth: (k: number, w: number) => number): void {
  widths.forEach((w, k) => {
    if (w < needs[k]!.natural) widths[k] = Math.min(w, wrappedWidth(k, w));
  });
  let room = width - sum(widths) - frame(widths.length);
  const wrapped = widths.map((_, k) => k).filter((k) => widths[k]! < needs[k]!.natural);
  wrapped.sort((a, b) => needs[a]!.natural - widths[a]! - (needs[b]!.natural - widths[b]!));
  for (const k of wrapped) {
    const more = needs[k]!.natural - widths[k]!;
    if (more > room) break;
    widths[k] = needs[k]!.natural;
    room -= more;
  }
}

/** Tabs as spaces, other control characters (which `table` refuses) as `�`; line breaks stay. */
function printable(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\t/g, "  ").replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, "\ufffd");
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
