import type { DatabaseChoice, DataMartLocation } from "./data-mart-location";
import { migrate } from "./migrations";
import { openEmbeddedStore } from "./embedded-stores";
import { PGliteStore } from "./pglite-store";
import { resolvePostgresCredentials } from "./postgres-credentials";
import { PostgresStore, type PostgresStoreOptions } from "./postgres-store";
import type { Store } from "./store";

/** Opens the store a data mart lives in and brings its schema up to date. */
export async function openStore(
  database: DatabaseChoice,
  location: DataMartLocation,
  options: PostgresStoreOptions = {},
): Promise<Store> {
  const store =
    database.database_type === "internal"
      ? location.embeddedDir === undefined
        ? await PGliteStore.open()
        : await openEmbeddedStore(location.embeddedDir)
      : await PostgresStore.open(resolvePostgresCredentials(database.credentials), database.schema, options);
  try {
    await migrate(store);
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
