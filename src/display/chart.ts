import { renderBarChartHtml, renderBarChartText, type BarChartInput } from "./bar-chart";
import { renderConfusionMatrixHtml, renderConfusionMatrixText, type ConfusionMatrixInput } from "./confusion-matrix";
import { renderHistogramTableHtml, renderHistogramTableText, type HistogramTableInput } from "./histogram-table";
import { renderTimeSeriesChartHtml } from "./time-series-chart";
import type { TimeSeriesChartInput } from "./time-series-model";
import { renderTimeSeriesChartText } from "./time-series-text";

/** Any chart a resource shows. A bar chart has no `kind` (it came first); the others say what they are. */
export type ChartModel = BarChartInput | TimeSeriesChartInput | ConfusionMatrixInput | HistogramTableInput;

/** The chart for a notebook: the HTML (with inline SVG, or a shaded table for a confusion matrix). */
export function renderChartHtml(model: ChartModel): string {
  if (!("kind" in model)) return renderBarChartHtml(model);
  switch (model.kind) {
    case "time_series":
      return renderTimeSeriesChartHtml(model);
    case "confusion_matrix":
      return renderConfusionMatrixHtml(model);
    case "histogram_table":
      return renderHistogramTableHtml(model);
  }
}

/** The chart for a terminal. */
export function renderChartText(model: ChartModel): string {
  if (!("kind" in model)) return renderBarChartText(model);
  switch (model.kind) {
    case "time_series":
      return renderTimeSeriesChartText(model);
    case "confusion_matrix":
      return renderConfusionMatrixText(model);
    case "histogram_table":
      return renderHistogramTableText(model);
  }
}
