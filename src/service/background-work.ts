/** Work a service started and does not await (runs, trainings, explanations): awaited in full before its store closes. */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  /** Starts `work` now; it must handle its own errors (a rejection is kept from being unhandled, not reported). */
  start(work: () => Promise<void>): void {
    const promise = work().catch(() => undefined);
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
