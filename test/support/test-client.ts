/**
 * The client resource tests run against: an embedded in-memory data mart, or, when OPENSCALE_TEST_CLIENT is
 * "remote" (the files under test/remote/ set it and load a resource test), `APIClient({ url, apikey,
 * instance_guid })` of a fresh data mart on a data mart server in the test's process: the same tests through HTTP.
 * A file that makes clients here calls closeTestClients() in its `after`.
 */
import type { Output } from "../../src/data-mart/output";
import { APIClient, type APIClientOptions } from "../../src/index";
import { startTestServer, type TestServer } from "./test-server";

export const REMOTE = process.env.OPENSCALE_TEST_CLIENT === "remote";

/** Servers by their engine options (a remote client's engine calls are the server's). */
const servers = new Map<string, Promise<TestServer>>();
let made = 0;

export type EngineOptions = Pick<APIClientOptions, "engine_timeout_ms" | "engine_retries">;

/** A client of a new, empty data mart (not yet set up), whose engine calls take `engine` options. */
export async function testClient(out: Output, engine: EngineOptions = {}): Promise<APIClient> {
  return REMOTE ? remoteTestClient(out, engine) : new APIClient({ in_memory: true, ...engine }, out);
}

/** A remote client of a new, empty data mart on a data mart server, whatever OPENSCALE_TEST_CLIENT says. */
export async function remoteTestClient(out: Output, engine: EngineOptions = {}): Promise<APIClient> {
  const label = JSON.stringify(engine);
  if (!servers.has(label)) servers.set(label, startTestServer("remote-client", { ...(engine.engine_timeout_ms !== undefined ? { timeout_ms: engine.engine_timeout_ms } : {}), ...(engine.engine_retries !== undefined ? { retries: engine.engine_retries } : {}) }));
  const running = await servers.get(label)!;
  const dm = `t${process.pid}x${++made}`;
  return new APIClient({ url: running.url, apikey: await running.key(dm), instance_guid: dm }, out);
}

/** Stops the servers the remote clients used (deleting their data marts). */
export async function closeTestClients(): Promise<void> {
  const running = [...servers.values()];
  servers.clear();
  for (const server of running) await (await server).close();
}
