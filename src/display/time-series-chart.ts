import { AXIS, CHAR_WIDTH, GRID, PALETTE, TEXT_COLOUR, chartHtml, charCount, formatTick, formatValue, niceAxis, px, svgDocument, truncate, type Axis } from "./chart-kit";
import { escapeHtml } from "./escape-html";
import { formatUtc, timeDomain, timeTicks, type TimeTick } from "./time-axis";
import { buildPanels, violationSummary, type Panel, type PanelPoint, type TimeSeriesChartInput } from "./time-series-model";

const WIDTH = 640;
const PAD = 12;
const LEGEND_HEIGHT = 24;
const HEADER_HEIGHT = 22;
const PLOT_HEIGHT = 120;
const PANEL_GAP = 18;
const X_AXIS_HEIGHT = 48; // two lines of tick labels and the "time (UTC)" caption
const MAX_METRIC_CHARS = 48;
const LINE_COLOUR = PALETTE[0]!;
/** Tableau red: violations. They also differ in shape (a diamond in a ring), not in colour alone. */
const VIOLATION_COLOUR = PALETTE[2]!;
/** Above this many points in a panel, markers shrink so that they do not merge into a band. */
const DENSE_POINTS = 150;
/** Limit labels closer than this (px) are moved apart. */
const LIMIT_LABEL_GAP = 13;

interface Frame {
  plotLeft: number;
  plotRight: number;
  tMin: number;
  tMax: number;
  ticks: TimeTick[];
}

interface PanelFrame {
  top: number;
  bottom: number;
  axis: Axis;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * The chart as a self-contained SVG string (no scripts, event handlers or external references, every user string
 * escaped): one panel per metric, stacked, sharing a UTC time axis. Each panel draws the line and markers of the
 * metric, its limits as dashed labelled lines, and violations as red diamonds in a ring; null values leave gaps.
 */
export function renderTimeSeriesChartSvg(input: TimeSeriesChartInput): string {
  const panels = buildPanels(input);
  if (panels.every((p) => p.measured === 0)) return renderEmptySvg(input.title);
  const axes = panels.map(valueAxis);
  const tickChars = Math.max(3, ...axes.flatMap((a) => a.ticks.map((t) => formatTick(t).length)));
  const domain = timeDomain(panels.flatMap((p) => p.points.filter((q) => q.value !== null).map((q) => q.t)));
  const limitChars = Math.max(0, ...panels.flatMap((p) => [limitLabel("lower", p.lower), limitLabel("upper", p.upper)].map(charCount)));
  const frame: Frame = {
    plotLeft: PAD + tickChars * CHAR_WIDTH + 8,
    plotRight: WIDTH - PAD - Math.max(8, limitChars * CHAR_WIDTH + 8),
    tMin: domain.min,
    tMax: domain.max,
    ticks: timeTicks(domain.min, domain.max),
  };
  const anyLimit = panels.some((p) => p.lower !== null || p.upper !== null);
  const anyViolation = panels.some((p) => p.violations > 0);
  const parts = [renderLegend(anyLimit, anyViolation)];
  let top = PAD + LEGEND_HEIGHT;
  panels.forEach((panel, i) => {
    const plotTop = top + HEADER_HEIGHT;
    parts.push(renderPanel(panel, frame, { top: plotTop, bottom: plotTop + PLOT_HEIGHT, axis: axes[i]! }));
    top = plotTop + PLOT_HEIGHT + PANEL_GAP;
  });
  const axisY = top - PANEL_GAP;
  parts.push(renderTimeAxis(frame, axisY));
  return svgDocument(input.title, WIDTH, axisY + X_AXIS_HEIGHT, parts);
}

/** The chart for a notebook (`display.html`): a `<div>` with the escaped title as `<h3>` and the SVG. */
export function renderTimeSeriesChartHtml(input: TimeSeriesChartInput): string {
  return chartHtml(input.title, renderTimeSeriesChartSvg(input));
}

// ---------------------------------------------------------------------------------------------------------------
// Scales

/** The value axis of a panel: its values and its limits, padded a little, in round ticks. */
function valueAxis(panel: Panel): Axis {
  const values = [...panel.points.flatMap((p) => (p.value === null ? [] : [p.value])), ...[panel.lower, panel.upper].filter((v): v is number => v !== null)];
  if (values.length === 0) return niceAxis(0, 1);
  const lo = values.reduce((a, b) => Math.min(a, b));
  const hi = values.reduce((a, b) => Math.max(a, b));
  const pad = lo === hi ? Math.abs(lo) * 0.05 || 0.5 : (hi - lo) * 0.04;
  return niceAxis(lo - pad, hi + pad);
}

function scaleX(frame: Frame, t: number): number {
  return frame.plotLeft + ((t - frame.tMin) / (frame.tMax - frame.tMin)) * (frame.plotRight - frame.plotLeft);
}

function scaleY(panel: PanelFrame, value: number): number {
  const { min, max } = panel.axis;
  return panel.bottom - ((value - min) / (max - min)) * (panel.bottom - panel.top);
}

// ---------------------------------------------------------------------------------------------------------------
// SVG parts

function renderEmptySvg(title: string): string {
  const height = 80;
  return svgDocument(title, WIDTH, height, [
    `<text x="${WIDTH / 2}" y="${height / 2}" dy="0.35em" text-anchor="middle" fill="${TEXT_COLOUR}" font-style="italic">No measurements yet</text>`,
  ]);
}

/** What the marks mean, in shape as well as colour. */
function renderLegend(anyLimit: boolean, anyViolation: boolean): string {
  const y = PAD + 6;
  const items = [`<circle cx="${PAD + 5}" cy="${y}" r="3" fill="${LINE_COLOUR}"/><text x="${PAD + 14}" y="${y}" dy="0.35em" fill="${TEXT_COLOUR}">measurement</text>`];
  let x = PAD + 14 + 11 * CHAR_WIDTH + 18;
  if (anyViolation) {
    items.push(`${violationMarker(x + 7, y)}<text x="${px(x + 18)}" y="${y}" dy="0.35em" fill="${TEXT_COLOUR}">violation</text>`);
    x += 18 + 9 * CHAR_WIDTH + 18;
  }
  if (anyLimit) {
    items.push(
      `<line x1="${px(x)}" y1="${y}" x2="${px(x + 22)}" y2="${y}" ${AXIS} stroke-width="1.5" stroke-dasharray="5 3"/>` +
        `<text x="${px(x + 28)}" y="${y}" dy="0.35em" fill="${TEXT_COLOUR}">limit</text>`,
    );
  }
  return `<g class="legend">\n${items.join("\n")}\n</g>`;
}

/** One metric: header, grid, y ticks, limits, line and markers. */
function renderPanel(panel: Panel, frame: Frame, box: PanelFrame): string {
  const parts = [renderHeader(panel, frame, box.top - 8), renderGrid(frame, box)];
  if (panel.measured === 0) {
    parts.push(
      `<text class="empty" x="${px((frame.plotLeft + frame.plotRight) / 2)}" y="${px((box.top + box.bottom) / 2)}" dy="0.35em" ` +
        `text-anchor="middle" fill="${TEXT_COLOUR}" font-style="italic">no measurements yet</text>`,
    );
  }
  parts.push(...renderLimits(panel, frame, box));
  parts.push(...renderLine(panel.points, frame, box), renderMarkers(panel, frame, box));
  return `<g class="panel" data-metric="${escapeHtml(panel.metric)}">\n${parts.join("\n")}\n</g>`;
}

/** The metric's name, and on the right its latest value and how many measurements broke a limit. */
function renderHeader(panel: Panel, frame: Frame, y: number): string {
  const name = truncate(panel.metric, MAX_METRIC_CHARS);
  const hover = name === panel.metric ? "" : `<title>${escapeHtml(panel.metric)}</title>`;
  const latest = panel.latest ? `latest ${formatValue(panel.latest.value!)} · ` : "";
  return (
    `<text class="metric" x="${px(frame.plotLeft)}" y="${px(y)}" font-weight="600" fill="${TEXT_COLOUR}">${escapeHtml(name)}${hover}</text>\n` +
    `<text class="summary" x="${px(frame.plotRight)}" y="${px(y)}" text-anchor="end" fill="${TEXT_COLOUR}" fill-opacity="0.75">` +
    `${escapeHtml(latest + violationSummary(panel))}</text>`
  );
}

/** Horizontal grid lines with value ticks, vertical ones at the time ticks, and the frame's left and bottom lines. */
function renderGrid(frame: Frame, box: PanelFrame): string {
  const rows = box.axis.ticks.map((tick) => {
    const y = px(scaleY(box, tick));
    return (
      `<line x1="${px(frame.plotLeft)}" y1="${y}" x2="${px(frame.plotRight)}" y2="${y}" ${GRID} stroke-width="1"/>` +
      `<text class="tick" x="${px(frame.plotLeft - 6)}" y="${y}" dy="0.35em" text-anchor="end" fill="${TEXT_COLOUR}">${escapeHtml(formatTick(tick))}</text>`
    );
  });
  const columns = frame.ticks.map((tick) => {
    const x = px(scaleX(frame, tick.t));
    return `<line x1="${x}" y1="${px(box.top)}" x2="${x}" y2="${px(box.bottom)}" ${GRID} stroke-width="1"/>`;
  });
  const edges =
    `<line x1="${px(frame.plotLeft)}" y1="${px(box.top)}" x2="${px(frame.plotLeft)}" y2="${px(box.bottom)}" ${AXIS} stroke-width="1"/>` +
    `<line x1="${px(frame.plotLeft)}" y1="${px(box.bottom)}" x2="${px(frame.plotRight)}" y2="${px(box.bottom)}" ${AXIS} stroke-width="1"/>`;
  return `<g class="grid">\n${[...rows, ...columns, edges].join("\n")}\n</g>`;
}

/**
 * The limits: dashed lines across the panel, each labelled `lower limit 0.7` in the margin on its right, where no
 * data can cover the label; labels of limits closer than a line of text are moved apart.
 */
function renderLimits(panel: Panel, frame: Frame, box: PanelFrame): string[] {
  const limits = (["lower", "upper"] as const).flatMap((which) => {
    const value = which === "lower" ? panel.lower : panel.upper;
    return value === null ? [] : [{ which, value, y: scaleY(box, value) }];
  });
  const labelY = limits.map((l) => l.y);
  if (limits.length === 2 && Math.abs(labelY[0]! - labelY[1]!) < LIMIT_LABEL_GAP) {
    const middle = (labelY[0]! + labelY[1]!) / 2;
    labelY[0] = middle + LIMIT_LABEL_GAP / 2; // lower limit: the label below
    labelY[1] = middle - LIMIT_LABEL_GAP / 2;
  }
  return limits.map(({ which, value, y }, i) =>
    `<g class="limit" data-limit="${which}" data-value="${escapeHtml(formatTick(value))}">` +
    `<line x1="${px(frame.plotLeft)}" y1="${px(y)}" x2="${px(frame.plotRight)}" y2="${px(y)}" stroke="currentColor" stroke-opacity="0.7" ` +
    `stroke-width="1.5" stroke-dasharray="6 4"/>` +
    `<text x="${px(frame.plotRight + 6)}" y="${px(labelY[i]!)}" dy="0.35em" fill="${TEXT_COLOUR}">${escapeHtml(limitLabel(which, value))}</text>` +
    `</g>`,
  );
}

/** `lower limit 0.7`; empty without a limit. */
function limitLabel(which: "lower" | "upper", value: number | null): string {
  return value === null ? "" : `${which} limit ${formatValue(value)}`;
}

/** The line through consecutive values; a null ends a run, and a run of one point is left to its marker. */
function renderLine(points: PanelPoint[], frame: Frame, box: PanelFrame): string[] {
  const runs: string[][] = [[]];
  for (const point of points) {
    if (point.value === null) runs.push([]);
    else runs.at(-1)!.push(`${px(scaleX(frame, point.t))},${px(scaleY(box, point.value))}`);
  }
  const d = runs.filter((run) => run.length > 1).map((run) => `M${run.join("L")}`).join("");
  if (d === "") return [];
  return [`<path class="line" d="${d}" fill="none" stroke="${LINE_COLOUR}" stroke-width="1.5" stroke-linejoin="round"/>`];
}

/** A circle per measurement and a ringed diamond per violation, each with its time and value on hover. */
function renderMarkers(panel: Panel, frame: Frame, box: PanelFrame): string {
  const dense = panel.measured > DENSE_POINTS;
  const radius = dense ? 1.3 : 3;
  const normal: string[] = [];
  const violations: string[] = [];
  for (const point of panel.points) {
    if (point.value === null) continue;
    const x = scaleX(frame, point.t);
    const y = scaleY(box, point.value);
    const hover = `<title>${escapeHtml(`${formatUtc(point.t)}: ${formatValue(point.value)}`)}</title>`;
    if (point.violation) violations.push(`<g class="violation">${violationMarker(x, y, dense ? 0.6 : 1)}${hover}</g>`);
    else normal.push(`<circle class="point" cx="${px(x)}" cy="${px(y)}" r="${radius}">${hover}</circle>`);
  }
  return `<g class="points" fill="${LINE_COLOUR}">\n${[...normal, ...violations].join("\n")}\n</g>`;
}

/** A diamond in a ring, `scale` times the usual size (smaller where points crowd). */
function violationMarker(x: number, y: number, scale = 1): string {
  const r = 4.5 * scale;
  return (
    `<circle cx="${px(x)}" cy="${px(y)}" r="${px(7 * scale)}" fill="none" stroke="${VIOLATION_COLOUR}" stroke-width="${px(1.5 * scale)}"/>` +
    `<path d="M${px(x)},${px(y - r)}L${px(x + r)},${px(y)}L${px(x)},${px(y + r)}L${px(x - r)},${px(y)}Z" fill="${VIOLATION_COLOUR}"/>`
  );
}

/** Time tick labels under the last panel (the date under the first tick and wherever it changes) and the caption. */
function renderTimeAxis(frame: Frame, axisY: number): string {
  const labels = frame.ticks.map((tick) => {
    const x = px(scaleX(frame, tick.t));
    const lines = tick.lines.map((line, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 14}">${escapeHtml(line)}</tspan>`).join("");
    return `<text class="time-tick" x="${x}" y="${px(axisY + 16)}" text-anchor="${tickAnchor(tick, scaleX(frame, tick.t))}" fill="${TEXT_COLOUR}">${lines}</text>`;
  });
  const caption =
    `<text class="time-caption" x="${px(frame.plotRight)}" y="${px(axisY + 44)}" text-anchor="end" fill="${TEXT_COLOUR}" ` +
    `fill-opacity="0.75">time (UTC)</text>`;
  return `<g class="time-axis">\n${[...labels, caption].join("\n")}\n</g>`;
}


/** Centred under its tick, unless that would run off the chart's edge. */
function tickAnchor(tick: TimeTick, x: number): string {
  const half = (Math.max(...tick.lines.map(charCount)) * CHAR_WIDTH) / 2;
  if (x - half < 2) return "start";
  return x + half > WIDTH - 2 ? "end" : "middle";
}
