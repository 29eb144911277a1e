/**
 * `openscale serve` in a child process, as it runs in production: for tests that kill it (`kill -9`) and start it
 * again, and for the benchmark, where the server must not share the loggers' event loop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Sends the signal and waits for the process to end: its exit code, or the signal's name. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** A port free at the moment of asking: a restarted server takes the same one, so clients find it again. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startServerProcess(options: { db: string; port?: number; env?: Record<string, string> }): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve", "--db", options.db, "--port", String(options.port ?? 0)], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server printed no URL in 60 s: ${out}`)), 60_000);
    const look = () => {
      const m = /listening on (\S+)/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    };
    child.stdout!.on("data", look);
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`the server exited (${code}) before listening: ${out}`))));
  });
  return {
    url,
    child,
    output: () => out,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
