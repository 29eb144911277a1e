import { createHmac, randomUUID } from "node:crypto";

/** A Jupyter message as the protocol (v5.3) defines it. */
export interface JupyterMessage<C = Record<string, unknown>> {
  header: { msg_id: string; msg_type: string; session: string; username: string; date: string; version: string };
  parent_header: { msg_id?: string; msg_type?: string };
  metadata: Record<string, unknown>;
  content: C;
}

const DELIMITER = "<IDS|MSG>";

/** Signs and frames messages for one session; parses and verifies what comes back. */
export class Wire {
  readonly session = randomUUID();

  constructor(private readonly key: string) {}

  /** The frames of a new request, and its msg_id. */
  frames(msgType: string, content: Record<string, unknown>): { msgId: string; frames: string[] } {
    const header = { msg_id: randomUUID(), msg_type: msgType, session: this.session, username: "openscale", date: new Date().toISOString(), version: "5.3" };
    const parts = [JSON.stringify(header), "{}", "{}", JSON.stringify(content)];
    return { msgId: header.msg_id, frames: [DELIMITER, this.sign(parts), ...parts] };
  }

  /** The message in `frames` (routing prefix and all), or undefined when it is not signed with our key. */
  parse(frames: Buffer[]): JupyterMessage | undefined {
    const at = frames.findIndex((f) => f.toString() === DELIMITER);
    if (at < 0 || frames.length < at + 6) return undefined;
    const parts = frames.slice(at + 2, at + 6).map((f) => f.toString("utf8"));
    if (frames[at + 1]!.toString() !== this.sign(parts)) return undefined;
    const [header, parent_header, metadata, content] = parts.map((p) => JSON.parse(p) as Record<string, unknown>);
    return { header, parent_header, metadata, content } as unknown as JupyterMessage;
  }

  private sign(parts: string[]): string {
    const hmac = createHmac("sha256", this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }
}
