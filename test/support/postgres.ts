/**
 * A PostgreSQL server for the real-database tests: the one named by OPENSCALE_TEST_POSTGRES_URL (CI starts
 * Debian's PostgreSQL and sets it), else PGlite served over the PostgreSQL wire protocol, so the `pg` code path runs
 * either way.
 */
export interface TestPostgres {
  url: string;
  kind: "postgresql server" | "PGlite over the wire protocol";
  /** The server's files, when the test started it on disk (PGlite with `dataDir`): for tests that read them raw. */
  dataDir?: string;
  stop(): Promise<void>;
}

export async function startTestPostgres(options: { dataDir?: string } = {}): Promise<TestPostgres> {
  const fromEnv = process.env.OPENSCALE_TEST_POSTGRES_URL;
  if (fromEnv) return { url: fromEnv, kind: "postgresql server", stop: async () => undefined };
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = options.dataDir ? await PGlite.create({ dataDir: options.dataDir }) : await PGlite.create();
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 32 });
  await server.start();
  return {
    url: `postgres://postgres:pglite-test-password@${server.getServerConn()}/postgres`,
    kind: "PGlite over the wire protocol",
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/** The same server URL with another password: for the wrong-password test (a real server only). */
export function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}
