import type { Output } from "../../src/data-mart/output";
import type { BarChartInput, ChartModel, ConfusionMatrixInput, TableModel, TimeSeriesChartInput } from "../../src/display/index";

/** An Output that keeps what resources show, for assertions. */
export class RecordingOutput implements Output {
  readonly tables: TableModel[] = [];
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  /** Every chart, of any kind, in the order shown. */
  readonly charts: ChartModel[] = [];
  /** The same charts by kind, typed. */
  readonly barCharts: BarChartInput[] = [];
  readonly timeSeriesCharts: TimeSeriesChartInput[] = [];
  readonly confusionMatrices: ConfusionMatrixInput[] = [];
  chart = (model: ChartModel): void => {
    this.charts.push(model);
    if (!("kind" in model)) this.barCharts.push(model);
    else if (model.kind === "time_series") this.timeSeriesCharts.push(model);
    else this.confusionMatrices.push(model);
  };
  table = (model: TableModel): void => void this.tables.push(model);
  print = (line: string): void => void this.lines.push(line);
  warn = (line: string): void => void this.warnings.push(line);
  lastTable(): TableModel {
    const t = this.tables.at(-1);
    if (!t) throw new Error("no table was shown");
    return t;
  }
}
