/*
 * A time axis in UTC: round tick times (every 5 minutes, 6 hours, day, month, ...) and labels that say no more than
 * the step needs, with the date or the year added under the first tick and wherever it changes.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-05, a Monday: week ticks fall on Mondays. */
const MONDAY = 4 * DAY;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A tick: its time (ms since the epoch) and 1 or 2 label lines. */
export interface TimeTick {
  t: number;
  lines: string[];
}

type Unit = "second" | "minute" | "day" | "month" | "year";

interface Step {
  /** Length in ms (months and years: their usual length, only to choose the step). */
  ms: number;
  unit: Unit;
  /** Months or years per step, for those units. */
  count: number;
}

const FIXED: Step[] = [
  ...[1, 2, 5, 10, 15, 30].map((n) => ({ ms: n * SECOND, unit: "second" as const, count: n })),
  ...[1, 2, 5, 10, 15, 30].map((n) => ({ ms: n * MINUTE, unit: "minute" as const, count: n })),
  ...[1, 2, 3, 6, 12].map((n) => ({ ms: n * HOUR, unit: "minute" as const, count: n })),
  ...[1, 2, 7].map((n) => ({ ms: n * DAY, unit: "day" as const, count: n })),
  ...[1, 2, 3, 6].map((n) => ({ ms: n * 30.44 * DAY, unit: "month" as const, count: n })),
];

/** The padded time range a chart shows: a lone time gets an hour either side, a span 3% of itself. */
export function timeDomain(times: number[]): { min: number; max: number } {
  const min = times.reduce((a, b) => Math.min(a, b), Infinity);
  const max = times.reduce((a, b) => Math.max(a, b), -Infinity);
  if (!Number.isFinite(min)) return { min: 0, max: HOUR };
  if (min === max) return { min: min - HOUR, max: max + HOUR };
  const pad = (max - min) * 0.03;
  return { min: min - pad, max: max + pad };
}

/** At most `maxTicks` ticks inside [min, max], at the smallest round step that allows it. */
export function timeTicks(min: number, max: number, maxTicks = 6): TimeTick[] {
  const step = FIXED.find((s) => countTicks(s, min, max) <= maxTicks) ?? yearStep(min, max, maxTicks);
  const times = tickTimes(step, min, max);
  let previousContext = "";
  return times.map((t) => {
    const { main, context } = tickLabel(t, step);
    const lines = context !== "" && context !== previousContext ? [main, context] : [main];
    previousContext = context;
    return { t, lines };
  });
}

/** A time as the charts write it: `2026-01-15 09:30 UTC` (seconds only when there are any). */
export function formatUtc(t: number): string {
  const iso = new Date(t).toISOString();
  const seconds = iso.slice(17, 19) === "00" ? "" : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}

function countTicks(step: Step, min: number, max: number): number {
  if (step.unit === "month" || step.unit === "year") return tickTimes(step, min, max).length;
  const offset = step.unit === "day" && step.count === 7 ? MONDAY : 0;
  return Math.floor((max - offset) / step.ms) - Math.ceil((min - offset) / step.ms) + 1;
}

function yearStep(min: number, max: number, maxTicks: number): Step {
  const years = (max - min) / (365.25 * DAY);
  for (let exponent = 0; ; exponent++) {
    for (const multiple of [1, 2, 5]) {
      const count = multiple * 10 ** exponent;
      if (years / count + 1 <= maxTicks) return { ms: count * 365.25 * DAY, unit: "year", count };
    }
  }
}

function tickTimes(step: Step, min: number, max: number): number[] {
  const times: number[] = [];
  if (step.unit === "month" || step.unit === "year") {
    const start = new Date(min);
    const months = step.unit === "year" ? 12 * step.count : step.count;
    let index = start.getUTCFullYear() * 12 + start.getUTCMonth();
    index -= ((index % months) + months) % months;
    for (let t = monthStart(index); t <= max; index += months, t = monthStart(index)) {
      if (t >= min) times.push(t);
    }
    return times;
  }
  const offset = step.unit === "day" && step.count === 7 ? MONDAY : 0;
  for (let i = Math.ceil((min - offset) / step.ms); i * step.ms + offset <= max; i++) times.push(i * step.ms + offset);
  return times;
}

function monthStart(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12, 1);
}

/** The tick's own label and its context (the day for times, the year for days and months). */
function tickLabel(t: number, step: Step): { main: string; context: string } {
  const d = new Date(t);
  const iso = d.toISOString();
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  const year = String(d.getUTCFullYear());
  switch (step.unit) {
    case "second":
      return { main: iso.slice(11, 19), context: `${day} ${year}` };
    case "minute":
      return { main: iso.slice(11, 16), context: `${day} ${year}` };
    case "day":
      return { main: day, context: year };
    case "month":
      return { main: MONTHS[d.getUTCMonth()]!, context: year };
    case "year":
      return { main: year, context: "" };
  }
}
