/**
 * The data marts a server holds, each in its own place: embedded, a folder `<dir>/data_marts/<id>` (its own PGlite);
 * on PostgreSQL, the schema `dm_<id>` of the server's database. A data mart's service is made on first use and kept;
 * whether a data mart exists is read from the database (again whenever this server last found it missing, or a call
 * on it failed), so servers over one PostgreSQL need no shared memory: one sets a data mart up or deletes it, and
 * the others see it so at their next request.
 */
import path from "node:path";
import type { AdapterOptions } from "../engines/adapter";
import { DatabaseError } from "../errors";
import { LocalDataMartService } from "../service/local-data-mart-service";
import type { DataMartSetupRequest } from "../service/resources";
import { FolderLocation, MemoryLocation, type DataMartLocation } from "../store/data-mart-location";
import { SecretBox, parseSecretKey, secretBoxProvider, SECRET_KEY_VARIABLE } from "../store/secret-box";
import type { Store } from "../store/store";
import type { ServerDatabase } from "./server-store";

/** The PostgreSQL schema of data mart `id`. */
export const dataMartSchema = (id: string) => `dm_${id.toLowerCase().replace(/-/g, "_")}`;

/** A data mart's service, and where it finds its database (on PostgreSQL: a pointer this server keeps in memory). */
interface Held {
  service: LocalDataMartService;
  location: DataMartLocation;
}

type Method = Exclude<keyof LocalDataMartService, "close">;

export class DataMarts {
  private readonly held = new Map<string, Promise<Held>>();

  constructor(
    private readonly database: ServerDatabase,
    private readonly serverStore: Store,
    private readonly engine: AdapterOptions | undefined,
    private readonly sealingKey: () => SecretBox,
  ) {}

  /**
   * The service of data mart `id` (set up or not: an unset one answers its calls with "not set up"). On PostgreSQL,
   * one this server holds as not set up is looked up again every time: another server may have set it up since.
   */
  async service(id: string): Promise<LocalDataMartService> {
    const found = this.held.get(id);
    if (!found) {
      const made = this.make(id); // looks the data mart up
      this.held.set(id, made);
      made.catch(() => this.held.delete(id));
      return (await made).service;
    }
    const held = await found;
    if (this.database.kind === "postgresql" && !held.location.read()) await this.lookUp(id, held.location);
    return held.service;
  }

  /**
   * Calls `method` of data mart `id`. On PostgreSQL, a call that fails on the database is checked: when the data mart
   * was deleted through another server (its tables are gone), this server forgets it and answers as for one never
   * set up, rather than with a database fault.
   */
  async call(id: string, method: Method, args: unknown[]): Promise<unknown> {
    const invoke = async () => ((await this.service(id)) as unknown as Record<Method, (...a: unknown[]) => Promise<unknown>>)[method](...args);
    try {
      return await invoke();
    } catch (error) {
      if (this.database.kind !== "postgresql" || !(error instanceof DatabaseError) || (await this.exists(id))) throw error;
      await this.forget(id);
      return invoke();
    }
  }

  /** What PUT /v1/data_marts/{id} sets up: the server's own database, never one named in the request. */
  setupRequest(id: string): DataMartSetupRequest {
    return this.database.kind === "postgresql"
      ? { database_configuration: { database_type: "postgresql", credentials: this.database.credentials, location: { schema: dataMartSchema(id) } } }
      : { internal_database: true };
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.held.values()]);
    this.held.clear();
    await Promise.all(all.map((s) => (s.status === "fulfilled" ? s.value.service.close() : undefined)));
  }

  private async make(id: string): Promise<Held> {
    if (this.database.kind === "embedded") {
      const folder = path.join(this.database.dir, "data_marts", id);
      const location = new FolderLocation(folder);
      return { location, service: new LocalDataMartService({ location, secrets: secretBoxProvider(folder), dataMartId: id, ...(this.engine ? { engine: this.engine } : {}) }) };
    }
    const location = new MemoryLocation();
    await this.lookUp(id, location);
    return { location, service: new LocalDataMartService({ location, secrets: this.sealingKey, dataMartId: id, ...(this.engine ? { engine: this.engine } : {}) }) };
  }

  /** Points `location` at data mart `id`'s schema when the database holds the data mart. */
  private async lookUp(id: string, location: DataMartLocation): Promise<void> {
    if (this.database.kind !== "postgresql") return;
    const created = await this.createdAt(id);
    if (created !== undefined) location.write({ data_mart_id: id, created_at: created, database: { database_type: "postgresql", credentials: this.database.credentials, schema: dataMartSchema(id) } });
  }

  /** When data mart `id` was set up, or undefined when its schema holds none (never set up, or deleted). */
  private async createdAt(id: string): Promise<string | undefined> {
    const [row] = await this.serverStore.query<{ created_at: Date | string }>(`SELECT created_at FROM ${dataMartSchema(id)}.data_mart LIMIT 1`).catch(() => []);
    return row ? new Date(row.created_at).toISOString() : undefined;
  }

  /** Whether data mart `id` is still set up; true when that cannot be told (the database itself is unreachable). */
  private async exists(id: string): Promise<boolean> {
    try {
      await this.serverStore.query("SELECT 1");
    } catch {
      return true;
    }
    return (await this.createdAt(id)) !== undefined;
  }

  private async forget(id: string): Promise<void> {
    const held = this.held.get(id);
    this.held.delete(id);
    await (await held?.catch(() => undefined))?.service.close().catch(() => undefined);
  }
}

/** The key that seals engine secrets on a PostgreSQL server: OPENSCALE_SECRET_KEY, shared by every server. */
export function serverSealingKey(env: NodeJS.ProcessEnv = process.env): () => SecretBox {
  let box: SecretBox | undefined;
  return () => {
    if (box) return box;
    const text = env[SECRET_KEY_VARIABLE];
    if (!text) throw new Error(`Set ${SECRET_KEY_VARIABLE} (32 random bytes, base64) for the server: engine credentials are sealed with it, and every server over this database needs the same key.`);
    return (box = new SecretBox(parseSecretKey(text, `The environment variable ${SECRET_KEY_VARIABLE}`), SECRET_KEY_VARIABLE));
  };
}
