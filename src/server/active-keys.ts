/**
 * The active API keys requests present, kept in memory so that a request costs no key lookup in the database, while
 * a revoked key still stops at once. Revoking a key NOTIFYs the channel REVOKED_CHANNEL in the statement that revokes
 * it (PostgreSQL sends it at commit), and every server over the database LISTENs there and forgets the key. A key
 * is kept only while that is sure to work:
 * - on PostgreSQL, while this server's listening connection is up and has been seen to hear a notice: when it drops,
 *   everything kept is forgotten and each request reads its key again until the connection is back (a key revoked
 *   meanwhile is never missed);
 * - on the embedded database, always: one process holds it, so every revocation is this server's own.
 * A lookup that started before a revocation arrived is not kept (the generation count tells), and nothing is kept
 * longer than KEEP_MS, a bound for a listening connection that died without a word.
 */
import { randomUUID } from "node:crypto";
import type { Client, Notification } from "pg";
import { resolvePostgresCredentials } from "../store/postgres-credentials";
import { PostgresStore } from "../store/postgres-store";
import type { Store } from "../store/store";
import { activeKey, REVOKED_CHANNEL, type ApiKeyRecord } from "./api-keys";
import type { ServerDatabase } from "./server-store";

const KEEP_MS = 60_000;
const MAX_KEPT = 10_000;
const RECONNECT_MS = [100, 500, 2000, 5000, 30_000];
/** How long the first notice may take to arrive. */
const PROBE_MS = 2000;

export class ActiveKeys {
  private readonly kept = new Map<string, { key: ApiKeyRecord; at: number }>();
  /** Counts revocations and forgettings: a lookup that saw another count may hold a revoked key. */
  private generation = 0;
  private listening: boolean;
  private listener: Client | undefined;
  private closed = false;
  private attempt = 0;

  private constructor(
    private readonly store: Store,
    private readonly database: ServerDatabase,
  ) {
    this.listening = database.kind === "embedded";
  }

  /** Starts listening in the background: until the first notice is heard, keys are read at every request. */
  static start(store: Store, database: ServerDatabase): ActiveKeys {
    const keys = new ActiveKeys(store, database);
    if (database.kind === "postgresql") void keys.listen().catch(() => keys.reconnectLater());
    return keys;
  }

  /** The active key with this id, or undefined (unknown or revoked). */
  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const hit = this.kept.get(id);
    if (hit && this.listening && Date.now() - hit.at < KEEP_MS) return hit.key;
    const generation = this.generation;
    const key = await activeKey(this.store, id);
    if (key && this.listening && generation === this.generation) {
      if (this.kept.size >= MAX_KEPT) this.kept.clear();
      this.kept.set(id, { key, at: Date.now() });
    }
    return key;
  }

  /** Forgets a key this server revoked (the notification would come too, a moment later). */
  revoked(id: string): void {
    this.generation++;
    this.kept.delete(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.forgetAll();
    await this.listener?.end().catch(() => undefined);
  }

  private forgetAll(): void {
    this.generation++;
    this.kept.clear();
  }

  private async listen(): Promise<void> {
    if (this.database.kind !== "postgresql" || this.closed) return;
    // PGlite served over the wire (the tests' stand-in for PostgreSQL) runs every connection in one session, where a
    // listening connection's statements would interleave with the others': keys are read at every request there.
    if (this.store instanceof PostgresStore && this.store.pgliteOverWire) return;
    const connection = resolvePostgresCredentials(this.database.credentials);
    const { Client } = require("pg") as typeof import("pg");
    const client = new Client({ connectionString: connection.connectionString, ssl: connection.ca ? { ca: connection.ca, rejectUnauthorized: true } : undefined, keepAlive: true });
    client.on("notification", (n: Notification) => this.revoked(n.payload ?? ""));
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.listening = false;
      this.forgetAll();
      void client.end().catch(() => undefined);
      this.reconnectLater();
    };
    client.on("error", lost);
    client.on("end", lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOKED_CHANNEL}`);
      await this.heard(client);
    } catch (error) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) return void (await client.end().catch(() => undefined));
    this.listener = client;
    this.attempt = 0;
    this.forgetAll(); // revocations before LISTEN took effect were not heard: start from nothing
    this.listening = true;
  }

  /**
   * Sends a notice through the store's own connections and waits for it on the listening one: a server reached
   * through a pooler that drops notices (PgBouncer's transaction mode, PGlite over the wire) takes LISTEN but never
   * tells, and then no key may be kept.
   */
  private async heard(client: Client): Promise<void> {
    const probe = `probe-${randomUUID()}`;
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("notices do not arrive: API keys are read at every request")), PROBE_MS).unref();
      client.on("notification", (n: Notification) => {
        if (n.payload === probe) (clearTimeout(timer), resolve());
      });
    });
    await this.store.query("SELECT pg_notify($1, $2)", [REVOKED_CHANNEL, probe]);
    await arrived;
  }

  private reconnectLater(): void {
    if (this.closed) return;
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)]!;
    setTimeout(() => void this.listen().catch(() => this.reconnectLater()), delay).unref();
  }
}
