/** A custom engine in front of a local one: counts scoring calls, and fails (HTTP 500) or hangs from the call named. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface EngineProxy {
  url: string;
  /** Scoring (POST) calls so far. */
  calls: number;
  /** The first call that fails or hangs; every later one too. */
  failOn?: number;
  mode?: "error" | "hang";
  close(): Promise<void>;
}

export async function startEngineProxy(target: string): Promise<EngineProxy> {
  const state = { calls: 0 } as EngineProxy;
  const hung: http.ServerResponse[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === "POST") {
      state.calls++;
      if (state.failOn !== undefined && state.calls >= state.failOn) {
        if (state.mode === "hang") return void hung.push(res);
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "model crashed" }));
        return;
      }
    }
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers: { "content-type": "application/json", authorization: req.headers.authorization ?? "" }, ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}) });
    const text = (await answer.text()).replaceAll(target, state.url);
    res.writeHead(answer.status, { "content-type": "application/json" }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((r) => {
      for (const h of hung) h.destroy();
      server.close(() => r());
    });
  return state;
}
