import { quoteIdentifier, SCHEMA_NAME } from "./store";
import { ValidationError } from "../errors";
import { resolvePostgresCredentials, type PostgresCredentials } from "./postgres-credentials";
import { PostgresStore } from "./postgres-store";

/**
 * Drops `schema_name` (with everything in it) and creates it empty, as the tutorials' `create_postgres_schema`
 * does before setting up a data mart there.
 */
export async function create_postgres_schema(postgres_credentials: PostgresCredentials, schema_name: string): Promise<void> {
  if (typeof schema_name !== "string" || !SCHEMA_NAME.test(schema_name)) {
    throw new ValidationError("schema name", [
      {
        path: "schema_name",
        message: `${JSON.stringify(schema_name)} is not a plain SQL identifier: use letters, digits and _ (not first), at most 63 characters`,
      },
    ]);
  }
  const store = await PostgresStore.open(resolvePostgresCredentials(postgres_credentials), "public");
  try {
    await store.transaction(async (tx) => {
      await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema_name)} CASCADE`);
      await tx.query(`CREATE SCHEMA ${quoteIdentifier(schema_name)}`);
    });
  } finally {
    await store.close();
  }
}
