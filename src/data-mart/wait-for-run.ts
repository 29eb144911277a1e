import { SynchronousRunPrinter } from "../display/index";

/** Longest wait for a run, as in v1. */
export const RUN_TIMEOUT_MS = 180_000;

/**
 * Waits for a run (data distribution, quality evaluation, …) to leave `running`, printing v1's progress lines:
 * the header, each state seen, then success or the failure's reason. Returns the run's last details.
 */
export async function waitForRun<R extends { status: string; error?: { message: string } }>(
  title: string,
  print: (text: string) => void,
  read: () => Promise<R>,
  timeoutMs = RUN_TIMEOUT_MS,
  /** The status strings of the run's kind (v1 fairness runs say RUNNING and FINISHED). */
  states: { running: string; success: string } = { running: "running", success: "completed" },
  /** The success line, when it depends on the run (v1 explanations: a partial success). */
  successTitle: (details: R) => string = () => "Successfully finished run",
): Promise<R> {
  const printer = new SynchronousRunPrinter(title, print);
  printer.start();
  const started = Date.now();
  let details = await read();
  for (let delay = 20; details.status === states.running; delay = Math.min(delay * 2, 1000)) {
    printer.state(details.status);
    if (Date.now() - started > timeoutMs) {
      printer.failure("Run timed out", `The run didn't finished within ${timeoutMs / 1000}s.`);
      return details;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    details = await read();
  }
  printer.state(details.status);
  if (details.status === states.success) printer.success(successTitle(details));
  else printer.failure(`Run failed with status: ${details.status}`, `Reason: ${details.error?.message ?? "unknown"}`);
  return details;
}
