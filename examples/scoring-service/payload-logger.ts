/**
 * Sends payload records to the data mart server in the background, so logging never slows or fails a scoring
 * answer. Records wait in a bounded queue; one sender posts them in batches to `POST /v1/data_marts/{dm}/scoring_payloads`.
 * The server answers 202 only once a batch is committed, and stores a scoring_id once however often it is sent, so
 * a batch whose fate is unknown (network error, timeout, 5xx) is simply sent again, unchanged.
 */
import axios, { type AxiosInstance } from "axios";

/** One v1 payload record (the reference's §4.4 `store` body). */
export interface PayloadRecord {
  subscription_id: string;
  binding_id?: string;
  deployment_id?: string;
  scoring_id: string;
  scoring_timestamp: string;
  request: unknown;
  response: unknown;
  response_time: number;
}

export interface PayloadLoggerOptions {
  /** The data mart server, e.g. http://localhost:8080. */
  url: string;
  /** An ingest key: it may log payloads and nothing else. */
  apikey: string;
  dataMart: string;
  /** Longest wait before a partly filled batch is sent. @default 200 */
  batchIntervalMs?: number;
  /** Most records in one request. @default 500 */
  maxBatchSize?: number;
  /** Most records waiting; beyond that new records are dropped (with a warning), so memory stays bounded. @default 100000 */
  maxQueueSize?: number;
  /** Longest pause between retries of a batch. @default 5000 */
  maxBackoffMs?: number;
  /** Per request. @default 10000 */
  requestTimeoutMs?: number;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

export interface PayloadLoggerStats {
  queued: number;
  delivered: number;
  rejected: number;
  droppedQueueFull: number;
  retries: number;
  /** Records still queued when close() gave up. */
  undelivered: number;
}

export class PayloadLogger {
  private readonly http: AxiosInstance;
  private readonly queue: PayloadRecord[] = [];
  private readonly batchIntervalMs: number;
  private readonly maxBatchSize: number;
  private readonly maxQueueSize: number;
  private readonly maxBackoffMs: number;
  private readonly log: NonNullable<PayloadLoggerOptions["log"]>;
  private token?: { value: string; renewAt: number };
  /** What the sender is waiting for, and how to wake it: the first record, a full batch, or the end of a backoff. */
  private waiting?: { for: "record" | "batch" | "backoff"; wake: () => void };
  private closing = false;
  private givingUp = false;
  private queueFullSince?: number;
  private readonly sender: Promise<void>;
  readonly stats: PayloadLoggerStats = { queued: 0, delivered: 0, rejected: 0, droppedQueueFull: 0, retries: 0, undelivered: 0 };

  constructor(private readonly options: PayloadLoggerOptions) {
    [this.batchIntervalMs, this.maxBatchSize, this.maxQueueSize, this.maxBackoffMs] = [options.batchIntervalMs ?? 200, options.maxBatchSize ?? 500, options.maxQueueSize ?? 100_000, options.maxBackoffMs ?? 5000];
    this.log = options.log ?? ((level, message) => console[level](`payload logger: ${message}`));
    // validateStatus: every status is an answer to classify, not an exception.
    this.http = axios.create({ baseURL: options.url.replace(/\/+$/, ""), timeout: options.requestTimeoutMs ?? 10_000, validateStatus: () => true, maxBodyLength: Infinity });
    this.sender = this.send();
  }

  /** Queues a record; false when the queue is full (the record is dropped, the scoring answer is not affected). */
  enqueue(record: PayloadRecord): boolean {
    if (this.closing) return false;
    if (this.queue.length >= this.maxQueueSize) {
      if (this.queueFullSince === undefined) {
        this.queueFullSince = Date.now();
        this.log("warn", `queue full (${this.maxQueueSize} records): new payload records are DROPPED until the data mart server catches up`);
      }
      this.stats.droppedQueueFull++;
      return false;
    }
    if (this.queueFullSince !== undefined) {
      this.log("warn", `queue has room again after ${Date.now() - this.queueFullSince} ms; ${this.stats.droppedQueueFull} records dropped so far`);
      this.queueFullSince = undefined;
    }
    this.queue.push(record);
    this.stats.queued++;
    if (this.waiting?.for === "record" || (this.waiting?.for === "batch" && this.queue.length >= this.maxBatchSize)) this.waiting.wake();
    return true;
  }

  /** Records still waiting (the batch being sent included). */
  get pending(): number {
    return this.queue.length;
  }

  /** Stops taking records and sends every queued one; after `timeoutMs` it gives up and says how many were lost. */
  async close(timeoutMs = 30_000): Promise<PayloadLoggerStats> {
    this.closing = true;
    if (this.waiting?.for !== "backoff") this.waiting?.wake(); // a backoff still runs its course: the server needs it
    let timer: NodeJS.Timeout | undefined;
    if ((await Promise.race([this.sender, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs, "timeout")))])) === "timeout") {
      this.givingUp = true;
      this.waiting?.wake();
      await this.sender;
    }
    clearTimeout(timer);
    this.stats.undelivered = this.queue.length;
    if (this.queue.length > 0) this.log("error", `shut down with ${this.queue.length} payload records not delivered (the data mart server did not accept them within ${timeoutMs} ms)`);
    return this.stats;
  }

  /** The one sender: a batch at a time, so a retried batch is the same records and the order is kept. */
  private async send(): Promise<void> {
    while (!this.givingUp && !(this.closing && this.queue.length === 0)) {
      if (this.queue.length === 0) {
        await this.pause("record");
        continue;
      }
      // A partly filled batch waits a little for company: fewer, larger requests (and commits) on the server.
      if (!this.closing && this.queue.length < this.maxBatchSize) await this.pause("batch", this.batchIntervalMs);
      const batch = this.queue.slice(0, this.maxBatchSize);
      if (await this.deliver(batch)) this.queue.splice(0, batch.length);
    }
  }

  /** Sends one batch until the server takes it or rejects it; false only when giving up at shutdown. */
  private async deliver(batch: PayloadRecord[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.post(batch);
      if (outcome === "delivered" || outcome === "rejected") {
        this.stats[outcome] += batch.length;
        return true;
      }
      if (this.givingUp) return false;
      this.stats.retries++;
      // Exponential backoff with jitter, so many service instances do not retry in step against a recovering server.
      const ceiling = Math.min(this.maxBackoffMs, 100 * 2 ** attempt);
      await this.pause("backoff", ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }

  private async post(batch: PayloadRecord[]): Promise<"delivered" | "rejected" | "retry"> {
    try {
      const response = await this.http.post(`/v1/data_marts/${encodeURIComponent(this.options.dataMart)}/scoring_payloads`, batch, {
        headers: { authorization: `Bearer ${await this.bearerToken()}`, "content-type": "application/json", prefer: "return=minimal" },
      });
      const status = response.status;
      if (status >= 200 && status < 300) return "delivered";
      if (status === 401 || status === 408 || status === 429 || status >= 500) {
        if (status === 401) this.token = undefined; // expired or revoked early: a new token, then the same batch again
        this.log("warn", `the data mart server answered HTTP ${status}; retrying ${batch.length} records`);
        return "retry";
      }
      // Any other 4xx: the batch itself is wrong (a bad record, an unknown subscription); sending it again cannot help.
      this.log("error", `the data mart server rejected ${batch.length} records (HTTP ${status}), dropping them: ${messageOf(response.data)}`);
      return "rejected";
    } catch (error) {
      // No answer (refused, reset, timeout): the batch may or may not be stored; resending is safe by scoring_id.
      this.log("warn", `sending ${batch.length} records failed (${(error as { code?: string }).code ?? (error as Error).message}); retrying`);
      return "retry";
    }
  }

  /** The cached bearer token, renewed when 80% of its life has passed (before it can expire mid-request). */
  private async bearerToken(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return this.token.value;
    const form = new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: this.options.apikey });
    const response = await this.http.post("/identity/token", form.toString(), { headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" } });
    // A refused key (revoked, mistyped) is retried too: records wait in the queue until an operator fixes the key.
    if (response.status !== 200) throw Object.assign(new Error("token exchange refused"), { code: `the token exchange answered HTTP ${response.status}: ${messageOf(response.data)}` });
    const body = response.data as { access_token: string; expires_in: number };
    this.token = { value: body.access_token, renewAt: Date.now() + body.expires_in * 1000 * 0.8 };
    return this.token.value;
  }

  /** Waits `ms` (or until woken; with no `ms`, only until woken). */
  private pause(reason: "record" | "batch" | "backoff", ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => wake(), ms);
      const wake = () => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve();
      };
      this.waiting = { for: reason, wake };
    });
  }
}

/** The message of a v1 error body, `{errors: [{code, message}], trace}`. */
const messageOf = (body: unknown) => (body as { errors?: { message?: string }[] } | undefined)?.errors?.map((e) => e.message).join("; ") ?? "no reason given";
