/**
 * The data marts a server holds, each in its own place: embedded, a folder `<dir>/data_marts/<id>` (its own PGlite);
 * on PostgreSQL, the schema `dm_<id>` of the server's database. A data mart's service is made on first use and kept;
 * whether a data mart exists is read from the database, so servers over one PostgreSQL need no shared memory.
 */
import path from "node:path";
import type { AdapterOptions } from "../engines/adapter";
import { LocalDataMartService } from "../service/local-data-mart-service";
import type { DataMartSetupRequest } from "../service/resources";
import { FolderLocation, MemoryLocation, type DataMartLocation, type DataMartPointer } from "../store/data-mart-location";
import { SecretBox, parseSecretKey, secretBoxProvider, SECRET_KEY_VARIABLE } from "../store/secret-box";
import type { Store } from "../store/store";
import type { ServerDatabase } from "./server-store";

/** The PostgreSQL schema of data mart `id`. */
export const dataMartSchema = (id: string) => `dm_${id.toLowerCase().replace(/-/g, "_")}`;

export class DataMarts {
  private readonly services = new Map<string, Promise<LocalDataMartService>>();

  constructor(
    private readonly database: ServerDatabase,
    private readonly serverStore: Store,
    private readonly engine: AdapterOptions | undefined,
    private readonly sealingKey: () => SecretBox,
  ) {}

  /** The service of data mart `id` (set up or not: an unset one answers its calls with "not set up"). */
  service(id: string): Promise<LocalDataMartService> {
    let found = this.services.get(id);
    if (!found) {
      found = this.make(id);
      this.services.set(id, found);
      found.catch(() => this.services.delete(id));
    }
    return found;
  }

  /** What PUT /v1/data_marts/{id} sets up: the server's own database, never one named in the request. */
  setupRequest(id: string): DataMartSetupRequest {
    return this.database.kind === "postgresql"
      ? { database_configuration: { database_type: "postgresql", credentials: this.database.credentials, location: { schema: dataMartSchema(id) } } }
      : { internal_database: true };
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.services.values()]);
    this.services.clear();
    await Promise.all(all.map((s) => (s.status === "fulfilled" ? s.value.close() : undefined)));
  }

  private async make(id: string): Promise<LocalDataMartService> {
    if (this.database.kind === "embedded") {
      const folder = path.join(this.database.dir, "data_marts", id);
      return new LocalDataMartService({ location: new FolderLocation(folder), secrets: secretBoxProvider(folder), dataMartId: id, ...(this.engine ? { engine: this.engine } : {}) });
    }
    const schema = dataMartSchema(id);
    const location: DataMartLocation = new MemoryLocation();
    const [row] = await this.serverStore.query<{ created_at: Date | string }>(
      `SELECT created_at FROM ${schema}.data_mart LIMIT 1`,
    ).catch(() => [] as { created_at: Date | string }[]);
    if (row) {
      const pointer: DataMartPointer = { data_mart_id: id, created_at: new Date(row.created_at).toISOString(), database: { database_type: "postgresql", credentials: this.database.credentials, schema } };
      location.write(pointer);
    }
    return new LocalDataMartService({ location, secrets: this.sealingKey, dataMartId: id, ...(this.engine ? { engine: this.engine } : {}) });
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
