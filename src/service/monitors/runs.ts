/**
 * Monitor runs, shared by every monitor that computes (quality now; fairness and drift next): a run is `running`
 * until its work ends, then `completed` with the measurement it stored, or `failed` with the reason and no
 * measurement. The measurement and the run's end are written in one transaction, so no half result is ever kept.
 */
import { randomUUID } from "node:crypto";
import { NotFoundError } from "../../errors";
import { BackgroundWork } from "../background-work";
import type { Queryable, Store } from "../../store/store";
import type { MeasurementSample, MonitorRun } from "../monitor-resources";
import type { SubscriptionRow } from "../subscription-rows";

interface RunRow {
  id: string;
  subscription_guid: string;
  monitor_definition_id: string;
  status: MonitorRun["status"];
  parameters: Record<string, unknown>;
  statistics: Record<string, number> | null;
  measurement_id: string | null;
  error: { message: string } | null;
  created_at: Date | string;
  finished_at: Date | string | null;
}

function toRun(row: RunRow): MonitorRun {
  return {
    id: row.id,
    monitor_definition_id: row.monitor_definition_id,
    subscription_id: row.subscription_guid,
    status: row.status,
    created_at: new Date(row.created_at).toISOString(),
    ...(row.finished_at ? { finished_at: new Date(row.finished_at).toISOString() } : {}),
    parameters: row.parameters,
    ...(row.measurement_id ? { measurement_id: row.measurement_id } : {}),
    ...(row.statistics ? { statistics: row.statistics } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

/** What a run's work returns: the measurement to store (written with the run's end), and figures about the work. */
export interface RunResult {
  store(tx: Queryable, run_id: string): Promise<MeasurementSample>;
  statistics?: Record<string, number>;
}

/** Runs of one store, with the work still in flight (awaited before the store closes). */
export class MonitorRuns {
  private readonly running = new BackgroundWork();

  /**
   * Starts a run: records it as `running` and does `work` in the background. Work that throws ends the run
   * `failed` with its message (and, when it has them, its figures); nothing else is written.
   */
  async start(store: Store, row: SubscriptionRow, monitor_definition_id: string, parameters: Record<string, unknown>, work: () => Promise<RunResult>): Promise<MonitorRun> {
    const id = randomUUID();
    const [created] = await store.query<RunRow>(
      "INSERT INTO monitor_runs (id, subscription_guid, monitor_definition_id, status, parameters) VALUES ($1, $2, $3, 'running', $4) RETURNING *",
      [id, row.guid, monitor_definition_id, JSON.stringify(parameters)],
    );
    this.running.start(async () => {
      try {
        const result = await work();
        await store.transaction(async (tx) => {
          const measurement = await result.store(tx, id);
          await tx.query("UPDATE monitor_runs SET status = 'completed', measurement_id = $2, statistics = $3, finished_at = now() WHERE id = $1", [
            id,
            measurement.measurement_id,
            result.statistics ? JSON.stringify(result.statistics) : null,
          ]);
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const statistics = (error as { statistics?: Record<string, number> } | null)?.statistics;
        await store
          .query("UPDATE monitor_runs SET status = 'failed', error = $2, statistics = $3, finished_at = now() WHERE id = $1", [id, JSON.stringify({ message }), statistics ? JSON.stringify(statistics) : null])
          .catch(() => undefined); // the store closed under the run: it stays 'running' and says so when read
      }
    });
    return toRun(created!);
  }

  async get(db: Queryable, row: SubscriptionRow, monitor_definition_id: string, run_id: string): Promise<MonitorRun> {
    const [found] = await db.query<RunRow>("SELECT * FROM monitor_runs WHERE id = $1 AND subscription_guid = $2 AND monitor_definition_id = $3", [run_id, row.guid, monitor_definition_id]);
    if (!found) throw new NotFoundError(`${monitor_definition_id} run`, String(run_id), `of subscription '${row.guid}'; run() returns the id, get_run_details() lists them.`);
    return toRun(found);
  }

  /** The subscription's runs of one monitor, newest first. */
  async list(db: Queryable, row: SubscriptionRow, monitor_definition_id: string, limit = 100): Promise<MonitorRun[]> {
    const rows = await db.query<RunRow>(
      `SELECT * FROM monitor_runs WHERE subscription_guid = $1 AND monitor_definition_id = $2 ORDER BY created_at DESC, id LIMIT ${Math.trunc(limit)}`,
      [row.guid, monitor_definition_id],
    );
    return rows.map(toRun);
  }

  /** Waits for runs still working. */
  settle(): Promise<void> {
    return this.running.settle();
  }
}

/** An error carrying the figures of the work done before it (rows read, engine calls), kept with the failed run. */
export class RunFailure extends Error {
  constructor(
    message: string,
    readonly statistics: Record<string, number>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
