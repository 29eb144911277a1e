/**
 * An in-memory data mart (or a data mart server's: ./test-client.ts) whose one subscription scores through an engine proxy in front of the local custom engine,
 * so a monitor test can count engine calls and make the engine fail or hang mid-run.
 */
import { type APIClient, CustomMachineLearningInstance, startLocalEngines, type Asset, type LocalEngines, type Subscription } from "../../src/index";
import { startEngineProxy, type EngineProxy } from "./engine-proxy";
import { RecordingOutput } from "./recording-output";
import { closeTestClients, testClient } from "./test-client";

export interface ProxiedMart {
  engines: LocalEngines;
  proxy: EngineProxy;
  client: APIClient;
  out: RecordingOutput;
  subscription: Subscription;
  close(): Promise<void>;
}

/** Engine calls time out after 1.5 s and are not retried, so a hung or failing engine ends a run quickly. */
export async function startProxiedMart(assetOf: (binding_uid: string) => Asset): Promise<ProxiedMart> {
  const engines = await startLocalEngines();
  const proxy = await startEngineProxy(engines.custom.url);
  const out = new RecordingOutput();
  const client = await testClient(out, { engine_timeout_ms: 1500, engine_retries: 0 });
  await client.data_mart.setup();
  const binding = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance({ ...engines.custom, url: proxy.url }));
  const subscription = await client.data_mart.subscriptions.add(assetOf(binding));
  return {
    engines,
    proxy,
    client,
    out,
    subscription,
    async close() {
      await client.close();
      await closeTestClients();
      await proxy.close();
      await engines.stop();
    },
  };
}
