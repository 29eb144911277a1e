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
  /**
   * Restarts the database server, dropping every connection: Debian's cluster by `pg_ctlcluster … restart` (as CI
   * runs it, root), or the PGlite wire server closed and opened again on its port. `down_ms`: how long it stays down.
   */
  restart(down_ms?: number): Promise<void>;
  /**
   * PGlite only: stops listening, dropping every connection, until the returned function is called (a test then
   * decides when the database is back, instead of a timer).
   */
  takeDown?(): Promise<() => Promise<void>>;
}

/**
 * `pglite`: PGlite over the wire even when OPENSCALE_TEST_POSTGRES_URL is set, for tests that stop the database under
 * a server (the shared cluster is not theirs to stop).
 */
export async function startTestPostgres(options: { dataDir?: string; pglite?: boolean } = {}): Promise<TestPostgres> {
  const fromEnv = options.pglite ? undefined : process.env.OPENSCALE_TEST_POSTGRES_URL;
  if (fromEnv) return { url: fromEnv, kind: "postgresql server", stop: async () => undefined, restart: (down) => restartCluster(Number(new URL(fromEnv).port || 5432), down) };
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = options.dataDir ? await PGlite.create({ dataDir: options.dataDir }) : await PGlite.create();
  let server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 32 });
  await server.start();
  const address = server.getServerConn();
  const takeDown = async () => {
    await server.stop();
    return async () => {
      server = new PGLiteSocketServer({ db, port: Number(address.split(":").at(-1)), host: "127.0.0.1", maxConnections: 32 });
      await server.start();
    };
  };
  return {
    url: `postgres://postgres:pglite-test-password@${address}/postgres`,
    kind: "PGlite over the wire protocol",
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    stop: async () => {
      await server.stop();
      await db.close();
    },
    restart: async (down = 1000) => {
      const comeBack = await takeDown();
      await new Promise((resolve) => setTimeout(resolve, down));
      await comeBack();
    },
    takeDown,
  };
}

/** Stops the Debian cluster listening on `port`, waits, and starts it again. */
async function restartCluster(port: number, down = 1000): Promise<void> {
  const { execFileSync } = await import("node:child_process");
  const clusters = execFileSync("pg_lsclusters", ["-h"], { encoding: "utf8" }).trim().split("\n").map((line) => line.split(/\s+/));
  const cluster = clusters.find((c) => Number(c[2]) === port);
  if (!cluster) throw new Error(`no PostgreSQL cluster of this machine listens on port ${port} (pg_lsclusters): restart needs the one .ci/start-postgres started`);
  execFileSync("pg_ctlcluster", [cluster[0]!, cluster[1]!, "stop", "-m", "fast"], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, down));
  execFileSync("pg_ctlcluster", [cluster[0]!, cluster[1]!, "start"], { stdio: "ignore" });
}

/** The same server URL with another password: for the wrong-password test (a real server only). */
export function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * An empty database, for tests of what servers do on a fresh one (migrations racing): on the PostgreSQL server of
 * OPENSCALE_TEST_POSTGRES_URL a new database (its login needs CREATEDB: .ci/start-postgres grants it), else a new
 * PGlite served over the wire.
 */
export async function freshDatabase(label: string): Promise<FreshDatabase> {
  const fromEnv = process.env.OPENSCALE_TEST_POSTGRES_URL;
  if (!fromEnv) {
    const pglite = await startTestPostgres();
    return { url: pglite.url, drop: () => pglite.stop() };
  }
  const pg = (await import("pg")).default;
  const name = `${label}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: fromEnv });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    throw new Error(`cannot create a database on ${new URL(fromEnv).host} (${(error as Error).message}): grant the test login CREATEDB, as .ci/start-postgres does`);
  } finally {
    await admin.end();
  }
  const url = new URL(fromEnv);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: fromEnv });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}
