import stringWidth from "string-width";

/** Terminal columns a string takes (wide CJK and emoji count 2), as the `table` package measures them. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** A piece of text that is never broken, and whether a space separates it from the piece before. */
interface Piece {
  text: string;
  spaced: boolean;
}

/** Words: runs of non-space characters. A number, a uid, a timestamp or `custom_machine_learning` is one word. */
function words(text: string): Piece[] {
  return text.split(/\s+/).filter((w) => w !== "").map((w) => ({ text: w, spaced: true }));
}

/** Column names may also break after `_` and between camelCase humps: `prediction_|probability`, `Loan|Duration`. */
function nameParts(text: string): Piece[] {
  return words(text).flatMap((word) =>
    word.text
      .replace(/_(?=[^_])/g, "_\u0000")
      .replace(/([a-z0-9])(?=[A-Z])/g, "$1\u0000")
      .split("\u0000")
      .map((part, i) => ({ text: part, spaced: i === 0 })),
  );
}

/**
 * How text may break: `words` between words, `name` also after `_` and between camelCase humps (column names),
 * `whole` not at all (ids, timestamps, numbers).
 */
export type WrapKind = "words" | "name" | "whole";

function pieces(line: string, kind: WrapKind): Piece[] {
  if (kind === "whole") return [{ text: line, spaced: false }];
  return kind === "name" ? nameParts(line) : words(line);
}

/** The widest piece that cannot be broken: the narrowest the text can be wrapped to. */
export function narrowestWrap(text: string, kind: WrapKind): number {
  return Math.max(0, ...text.split("\n").flatMap((line) => pieces(line, kind)).map((p) => textWidth(p.text)));
}

/**
 * Wraps each line of `text` into lines of at most `width` columns, breaking only between words (or, for a column
 * name, also after `_` and between camelCase humps). A piece wider than `width` is cut only as a last resort, when
 * not even it alone fits.
 */
export function wrapText(text: string, width: number, kind: WrapKind = "words"): string[] {
  return text.split("\n").flatMap((line) => {
    if (textWidth(line) <= width) return [line];
    const out: string[] = [];
    let current = "";
    for (const piece of pieces(line, kind)) {
      const joined = current === "" ? piece.text : `${current}${piece.spaced ? " " : ""}${piece.text}`;
      if (textWidth(joined) <= width) {
        current = joined;
        continue;
      }
      if (current !== "") out.push(current);
      current = piece.text;
      while (textWidth(current) > width) {
        const [head, rest] = cut(current, width);
        out.push(head);
        current = rest;
      }
    }
    if (current !== "" || out.length === 0) out.push(current);
    return out;
  });
}

/** Splits `text` after the most code points that fit in `width` columns (at least one). */
function cut(text: string, width: number): [string, string] {
  const chars = Array.from(text);
  let head = "";
  let i = 0;
  while (i < chars.length && (i === 0 || textWidth(head + chars[i]!) <= width)) head += chars[i++]!;
  return [head, chars.slice(i).join("")];
}
