import { createHmac, timingSafeEqual } from "node:crypto";

/** Issues and checks HS256 JWTs for a local token endpoint: clients can decode `exp` as they do with real tokens. */
export class LocalJwtIssuer {
  constructor(private readonly secret: Buffer) {}

  issue(claims: Record<string, unknown>, lifetimeSeconds: number, now = Date.now()): { token: string; exp: number; iat: number } {
    const iat = Math.floor(now / 1000);
    const exp = iat + lifetimeSeconds;
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify({ ...claims, iat, exp }));
    return { token: `${head}.${body}.${this.sign(`${head}.${body}`)}`, exp, iat };
  }

  /** The claims of a token this issuer signed, or why it is refused (`invalid`, `expired`). */
  verify(token: string, now = Date.now()): { claims: Record<string, unknown> } | { error: "invalid" | "expired" } {
    const [head, body, signature] = token.split(".");
    if (!head || !body || !signature) return { error: "invalid" };
    const expected = Buffer.from(this.sign(`${head}.${body}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { error: "invalid" };
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= now) return { error: "expired" };
    return { claims };
  }

  private sign(data: string): string {
    return createHmac("sha256", this.secret).update(data).digest("base64url");
  }
}

function b64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** The bearer token of a request, if any. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  return m?.[1];
}
