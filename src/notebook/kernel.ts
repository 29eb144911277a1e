import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { kernelCommand, tslabBinary, type KernelSpec } from "./kernelspec";
import { writeConnectionFile, type ConnectionInfo } from "./connection-file";
import { Wire, type JupyterMessage } from "./wire";

type Socket = import("zeromq").Dealer | import("zeromq").Subscriber;

/** What one execute_request produced. */
export interface ExecuteOutcome {
  status: "ok" | "error" | "abort" | "timeout";
  execution_count: number | null;
  /** stderr stream text: where tslab reports a cell's errors. */
  stderr: string;
}

/** Receives the iopub messages of one request, as they come (even after idle). */
export type IopubListener = (message: JupyterMessage) => void;

/**
 * Kills the tslab kernel when the runner goes away, however it goes: the guard holds a pipe from the runner and
 * kills its child when that pipe closes (the runner exited or was killed). SIGINT is passed on (interrupts a cell).
 */
const GUARD = `
const { spawn } = require("node:child_process");
const child = spawn(process.argv[1], process.argv.slice(2), { stdio: ["ignore", "inherit", "inherit"] });
child.on("error", (e) => { process.stderr.write(String(e.message) + "\\n"); process.exit(127); });
process.stdout.write("KERNEL_PID " + child.pid + "\\n");
const end = () => { try { child.kill("SIGKILL"); } catch {} process.exit(0); };
process.stdin.on("end", end); process.stdin.on("close", end); process.stdin.on("error", end); process.stdin.resume();
process.on("SIGTERM", end);
process.on("SIGINT", () => { try { child.kill("SIGINT"); } catch {} });
child.on("exit", (code) => process.exit(code === null ? 1 : code));
`;

export { tslabBinary };

/** A running tslab kernel, driven over the Jupyter protocol with zeromq. */
export class TslabKernel {
  private readonly replies = new Map<string, (m: JupyterMessage) => void>();
  private readonly listeners = new Map<string, IopubListener>();
  private readonly idles = new Map<string, () => void>();
  private exited = false;
  private kernelLog = "";

  private constructor(
    private readonly guard: ChildProcess,
    readonly pid: number,
    private readonly connectionFile: string,
    private readonly wire: Wire,
    private readonly shell: import("zeromq").Dealer,
    private readonly control: import("zeromq").Dealer,
    private readonly iopub: import("zeromq").Subscriber,
  ) {
    guard.on("exit", () => (this.exited = true));
    for (const socket of [shell, control]) void this.readReplies(socket);
    void this.readIopub();
  }

  /**
   * Starts a kernel whose working folder is `cwd` (where the notebook's relative imports resolve): the tslab this
   * library ships with, or the command of a Jupyter kernelspec (`argv`, with `env` added to the environment), and
   * `env` added last.
   */
  static async start(cwd: string, startTimeoutMs = 60_000, spec?: KernelSpec, env?: Record<string, string>): Promise<TslabKernel> {
    const zmq = await import("zeromq");
    const { file, info } = await writeConnectionFile();
    const command = spec ? kernelCommand(spec, file) : [process.execPath, tslabBinary(), "kernel", "--config-path", file];
    const guard = spawn(process.execPath, ["-e", GUARD, ...command], {
      cwd,
      env: { ...process.env, ...spec?.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let log = "";
    guard.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const pid = await new Promise<number>((resolve, reject) => {
      let buffered = "";
      guard.stdout!.on("data", (d: Buffer) => {
        buffered += d.toString();
        const m = /KERNEL_PID (\d+)/.exec(buffered);
        if (m) resolve(Number(m[1]));
      });
      guard.once("exit", (code) => reject(new Error(`the tslab kernel did not start (exit ${code}): ${log.trim()}`)));
      guard.once("error", reject);
    });
    const address = (port: number) => `tcp://${info.ip}:${port}`;
    const shell = new zmq.Dealer({ linger: 0 });
    const control = new zmq.Dealer({ linger: 0 });
    const iopub = new zmq.Subscriber({ linger: 0 });
    shell.connect(address(info.shell_port));
    control.connect(address(info.control_port));
    iopub.connect(address(info.iopub_port));
    iopub.subscribe();
    const kernel = new TslabKernel(guard, pid, file, new Wire(info.key), shell, control, iopub);
    guard.stderr!.on("data", (d: Buffer) => (kernel.kernelLog = (kernel.kernelLog + d.toString()).slice(-4000)));
    kernel.kernelLog = log;
    try {
      await kernel.handshake(startTimeoutMs);
    } catch (error) {
      await kernel.kill();
      throw error;
    }
    return kernel;
  }

  /**
   * Repeats kernel_info_request until both its reply and its iopub status have arrived: before that, the iopub
   * subscription may not be in place and a cell's first outputs could be lost.
   */
  private async handshake(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the tslab kernel exited while starting: ${this.kernelLog.trim()}`);
      let sawStatus = false;
      const { msgId, reply } = this.send(this.shell, "kernel_info_request", {}, () => (sawStatus = true));
      const answered = await withTimeout(reply, 500);
      if (answered) {
        if (!sawStatus) await sleep(200);
        if (sawStatus) return;
      }
      this.forget(msgId);
    }
    throw new Error(`the tslab kernel did not answer within ${timeoutMs} ms: ${this.kernelLog.trim()}`);
  }

  /** Runs code; `onIopub` sees every output message of this request, including ones arriving after idle. */
  async execute(code: string, onIopub: IopubListener, timeoutMs: number): Promise<ExecuteOutcome> {
    let stderr = "";
    let idle!: () => void;
    const idlePromise = new Promise<void>((r) => (idle = r));
    const { msgId, reply } = this.send(
      this.shell,
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      (m) => {
        if (m.header.msg_type === "stream" && (m.content as { name?: string }).name === "stderr") stderr += String((m.content as { text?: string }).text ?? "");
        onIopub(m);
      },
      idle,
    );
    const done = await withTimeout(Promise.all([reply, idlePromise]).then(([r]) => r), timeoutMs);
    if (!done) {
      this.interrupt();
      const late = await withTimeout(reply, 3000);
      return { status: "timeout", execution_count: (late?.content as { execution_count?: number })?.execution_count ?? null, stderr };
    }
    this.idles.delete(msgId);
    const content = done.content as { status: "ok" | "error" | "abort"; execution_count?: number };
    return { status: content.status, execution_count: content.execution_count ?? null, stderr };
  }

  /** SIGINT to the kernel: tslab stops the running cell. (interrupt_request is not implemented by tslab.) */
  interrupt(): void {
    try {
      process.kill(this.pid, "SIGINT");
    } catch {
      // already gone
    }
  }

  /** Asks the kernel to shut down, then makes sure it is gone. */
  async shutdown(): Promise<void> {
    if (!this.exited) {
      const { reply } = this.send(this.control, "shutdown_request", { restart: false });
      await withTimeout(reply, 2000);
      await withTimeout(new Promise<void>((r) => (this.exited ? r() : this.guard.once("exit", () => r()))), 2000);
    }
    await this.kill();
  }

  /** Ends the kernel now, closes the sockets and removes the connection file. */
  async kill(): Promise<void> {
    try {
      process.kill(this.pid, "SIGKILL");
    } catch {
      // already gone
    }
    this.guard.stdin?.end();
    if (!this.exited) this.guard.kill("SIGKILL");
    for (const socket of [this.shell, this.control, this.iopub] as Socket[]) {
      if (!socket.closed) socket.close();
    }
    fs.rmSync(this.connectionFile, { force: true });
  }

  private send(
    socket: import("zeromq").Dealer,
    type: string,
    content: Record<string, unknown>,
    onIopub?: IopubListener,
    onIdle?: () => void,
  ): { msgId: string; reply: Promise<JupyterMessage> } {
    const { msgId, frames } = this.wire.frames(type, content);
    const reply = new Promise<JupyterMessage>((resolve) => this.replies.set(msgId, resolve));
    if (onIopub) this.listeners.set(msgId, onIopub);
    if (onIdle) this.idles.set(msgId, onIdle);
    socket.send(frames).catch(() => undefined);
    return { msgId, reply };
  }

  private forget(msgId: string): void {
    this.replies.delete(msgId);
    this.listeners.delete(msgId);
    this.idles.delete(msgId);
  }

  private async readReplies(socket: import("zeromq").Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.wire.parse(frames as Buffer[]);
        const id = message?.parent_header.msg_id;
        if (!message || !id) continue;
        this.replies.get(id)?.(message);
        this.replies.delete(id);
      }
    } catch {
      // socket closed
    }
  }

  private async readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const message = this.wire.parse(frames as Buffer[]);
        const id = message?.parent_header.msg_id;
        if (!message || !id) continue;
        this.listeners.get(id)?.(message);
        if (message.header.msg_type === "status" && (message.content as { execution_state?: string }).execution_state === "idle") {
          this.idles.get(id)?.();
        }
      }
    } catch {
      // socket closed
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** The promise's value, or undefined if `ms` pass first. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => resolve(undefined),
    );
  });
}
