import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** What a SigV4 check needs from a request. */
export interface SignedRequest {
  method: string;
  /** The raw request target: path and query string. */
  target: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type SigV4Verdict =
  | { ok: true; accessKeyId: string }
  | { ok: false; status: number; type: string; message: string };

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Checks an AWS Signature Version 4 the way AWS does: rebuilds the canonical request from what arrived, derives
 * the signing key from the secret of the access key named in the credential scope, and compares signatures.
 */
export function verifySigV4(
  request: SignedRequest,
  expected: { service: string; region: string; secretFor: (accessKeyId: string) => string | undefined },
  now = Date.now(),
): SigV4Verdict {
  const header = (name: string) => {
    const v = request.headers[name];
    return Array.isArray(v) ? v.join(",") : v;
  };
  const auth = AUTH.exec(header("authorization") ?? "");
  if (!auth) return deny(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  const [, accessKeyId, date, region, service, signedHeaders, signature] = auth as unknown as string[];
  const secret = expected.secretFor(accessKeyId!);
  if (!secret) return deny(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  if (service !== expected.service || region !== expected.region) {
    return deny(403, "InvalidSignatureException", `Credential should be scoped to a valid region and service ('${expected.region}', '${expected.service}').`);
  }
  const amzDate = header("x-amz-date") ?? "";
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (!Number.isFinite(when) || !amzDate.startsWith(date!)) return deny(400, "IncompleteSignatureException", "Date must be in ISO-8601 'basic format' and match the credential scope.");
  if (Math.abs(now - when) > MAX_SKEW_MS) return deny(403, "InvalidSignatureException", `Signature expired: ${amzDate} is now earlier than the allowed skew.`);

  const [path = "/", query = ""] = request.target.split("?");
  const canonicalUri = path
    .split("/")
    .map((segment) => encode(encode(decodeURIComponent(segment))))
    .join("/");
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=").map((p) => encode(decodeURIComponent(p.replace(/\+/g, " ")))))
    .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : (x ?? "") < (y ?? "") ? -1 : 1))
    .map(([k, v]) => `${k}=${v ?? ""}`)
    .join("&");
  const names = signedHeaders!.split(";");
  const canonicalHeaders = names.map((n) => `${n}:${(header(n) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const payloadHash = sha256(request.body);
  const canonicalRequest = [request.method.toUpperCase(), canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key: Buffer = hmac(`AWS4${secret}`, date!);
  for (const part of [region!, service!, "aws4_request"]) key = hmac(key, part);
  const computed = Buffer.from(createHmac("sha256", key).update(stringToSign).digest("hex"));
  if (computed.length !== signature!.length || !timingSafeEqual(computed, Buffer.from(signature!))) {
    return deny(403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
  }
  return { ok: true, accessKeyId: accessKeyId! };
}

function deny(status: number, type: string, message: string): SigV4Verdict {
  return { ok: false, status, type, message };
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** RFC 3986 encoding (AWS's UriEncode): everything but unreserved characters. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
