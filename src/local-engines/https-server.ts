import https from "node:https";
import type http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { LoopbackServer } from "./http-server";

/** A certificate made at start-up for `localhost` and 127.0.0.1; it is its own CA, so a client can trust exactly it. */
export async function localCertificate(): Promise<{ cert: string; key: string }> {
  const { generate } = await import("selfsigned");
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 7 * 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    ],
  } as never);
  return { cert: pems.cert, key: pems.private };
}

/** An HTTPS server on the loopback interface that stops at once (open keep-alive sockets included). */
export async function listenLoopbackTls(handler: http.RequestListener, tls: { cert: string; key: string }, host = "127.0.0.1"): Promise<LoopbackServer> {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, handler);
  const sockets = new Set<Socket>();
  server.on("secureConnection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
