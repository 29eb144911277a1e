import type { Output } from "../../src/data-mart/output";
import type { BarChartInput, TableModel } from "../../src/display/index";

/** An Output that keeps what resources show, for assertions. */
export class RecordingOutput implements Output {
  readonly tables: TableModel[] = [];
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  readonly charts: BarChartInput[] = [];
  chart = (model: BarChartInput): void => void this.charts.push(model);
  table = (model: TableModel): void => void this.tables.push(model);
  print = (line: string): void => void this.lines.push(line);
  warn = (line: string): void => void this.warnings.push(line);
  lastTable(): TableModel {
    const t = this.tables.at(-1);
    if (!t) throw new Error("no table was shown");
    return t;
  }
}
