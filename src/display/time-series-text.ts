import { fitWidth, formatValue } from "./chart-kit";
import { terminalWidth } from "./text-table";
import { formatUtc } from "./time-axis";
import { buildPanels, violationSummary, type Panel, type TimeSeriesChartInput } from "./time-series-model";
import { textWidth, wrapText } from "./wrap-text";

const SPARKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
/** Narrower than this, the sparkline moves the details to a line of their own. */
const MIN_SPARK = 8;
const MAX_NAME = 30;

/**
 * The chart for a terminal, every line at most `width` (default: {@link terminalWidth}) columns: the title, the time
 * range, then per metric `area_under_roc  ▁▃▅▇ 0.93 (lower limit 0.7; 1 violation of 5)`, the sparkline in time
 * order (a gap for null values; points averaged when there are more than room) and the latest value.
 */
export function renderTimeSeriesChartText(input: TimeSeriesChartInput, options: { width?: number } = {}): string {
  const width = Math.max(20, Math.floor(options.width ?? terminalWidth()));
  const panels = buildPanels(input);
  const title = wrapText(input.title, width);
  if (panels.every((p) => p.measured === 0)) return [...title, "No measurements yet"].join("\n");
  const times = panels.flatMap((p) => p.points.filter((q) => q.value !== null).map((q) => q.t));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const range = first === last ? formatUtc(first) : `${formatUtc(first).replace(/ UTC$/, "")} → ${formatUtc(last)}`;
  const nameWidth = Math.min(MAX_NAME, Math.floor(width / 3), Math.max(...panels.map((p) => textWidth(p.metric))));
  return [...title, ...wrapText(range, width), ...panels.flatMap((p) => panelLines(p, nameWidth, width))].join("\n");
}

/** One line for a metric, or more when the details would leave the sparkline too little room: they go under it. */
function panelLines(panel: Panel, nameWidth: number, width: number): string[] {
  const name = fitWidth(panel.metric, nameWidth);
  const prefix = name + " ".repeat(nameWidth - textWidth(name)) + "  ";
  if (panel.measured === 0) return [fitWidth(`${prefix}no measurements yet`, width)];
  const latest = formatValue(panel.latest!.value!);
  const details = `(${[
    ...(panel.lower !== null ? [`lower limit ${formatValue(panel.lower)}`] : []),
    ...(panel.upper !== null ? [`upper limit ${formatValue(panel.upper)}`] : []),
    violationSummary(panel),
  ].join("; ")})`;
  const oneLineRoom = width - textWidth(prefix) - latest.length - details.length - 3;
  const room = oneLineRoom >= MIN_SPARK ? oneLineRoom : width - textWidth(prefix) - latest.length - 2;
  const spark = sparkline(panel, Math.max(1, room));
  if (oneLineRoom >= MIN_SPARK) return [fitWidth(`${prefix}${spark} ${latest} ${details}`, width)];
  const indent = width - textWidth(prefix) >= 16 ? textWidth(prefix) : 2;
  const wrapped = wrapText(details, width - indent).map((line) => fitWidth(" ".repeat(indent) + line, width));
  return [fitWidth(`${prefix}${spark} ${latest}`, width), ...wrapped];
}

/** One character per point (or per bucket of points, averaged, when there are more than `room`), scaled min to max. */
function sparkline(panel: Panel, room: number): string {
  const values = panel.points.map((p) => p.value);
  const buckets = values.length <= room ? values : Array.from({ length: room }, (_, i) => mean(values.slice(Math.floor((i * values.length) / room), Math.floor(((i + 1) * values.length) / room))));
  const present = buckets.filter((v): v is number => v !== null);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  return buckets
    .map((v) => {
      if (v === null) return " ";
      if (hi === lo) return SPARKS[3]!;
      return SPARKS[Math.min(SPARKS.length - 1, Math.floor(((v - lo) / (hi - lo)) * SPARKS.length))]!;
    })
    .join("");
}

function mean(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}
