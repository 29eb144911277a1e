/** One measurement of a metric. */
export interface TimeSeriesPoint {
  /** When it was measured: an ISO 8601 time. */
  ts: string;
  /** The value; null when the run measured nothing (a gap in the line). */
  value: number | null;
  /** Marks the point as a violation even inside the limits (as the monitor judged it). */
  violation?: boolean;
}

/** One metric over time, with the limits it is held to. */
export interface TimeSeries {
  metric: string;
  points: TimeSeriesPoint[];
  lower_limit?: number | null;
  upper_limit?: number | null;
}

/** Metrics over time, e.g. a quality monitor's `area_under_roc` run after run. */
export interface TimeSeriesChartInput {
  kind: "time_series";
  title: string;
  /** One panel per metric, stacked vertically, sharing the time axis. */
  series: TimeSeries[];
}

/** A point ready to draw: its time in ms, a finite value or null, and whether it breaks a limit. */
export interface PanelPoint {
  t: number;
  value: number | null;
  violation: boolean;
}

/** One metric as the renderers use it. */
export interface Panel {
  metric: string;
  /** In time order; points whose `ts` does not parse are left out. */
  points: PanelPoint[];
  lower: number | null;
  upper: number | null;
  /** Points with a value. */
  measured: number;
  violations: number;
  /** The last point with a value. */
  latest: PanelPoint | undefined;
}

/** The panels, one per series, in input order. */
export function buildPanels(input: TimeSeriesChartInput): Panel[] {
  return (input.series ?? []).map((series) => {
    const lower = finiteOrNull(series.lower_limit);
    const upper = finiteOrNull(series.upper_limit);
    const points = (series.points ?? [])
      .map((p) => ({ t: Date.parse(p.ts), value: finiteOrNull(p.value), flagged: p.violation === true }))
      .filter((p) => Number.isFinite(p.t))
      .sort((a, b) => a.t - b.t)
      .map(({ t, value, flagged }): PanelPoint => ({
        t,
        value,
        violation: value !== null && (flagged || (lower !== null && value < lower) || (upper !== null && value > upper)),
      }));
    const withValue = points.filter((p) => p.value !== null);
    return {
      metric: String(series.metric ?? ""),
      points,
      lower,
      upper,
      measured: withValue.length,
      violations: withValue.filter((p) => p.violation).length,
      latest: withValue.at(-1),
    };
  });
}

/** What the summary says: `1 violation of 5` when there are limits or violations, else `5 measurements`. */
export function violationSummary(panel: Panel): string {
  if (panel.lower === null && panel.upper === null && panel.violations === 0) return plural(panel.measured, "measurement");
  return `${plural(panel.violations, "violation")} of ${panel.measured}`;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
