import { z } from "zod";

/** An absolute http(s) URL, without a trailing slash. */
export const httpUrl = z
  .string({ error: "expected a URL string such as \"https://host:port\"" })
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "expected an absolute http:// or https:// URL such as \"https://host:port\"")
  .transform((s) => s.replace(/\/+$/, ""));

export const nonEmpty = (what: string) =>
  z.string({ error: `expected ${what} as a string` }).trim().min(1, `must not be empty: give ${what}`);

export const headers = z.record(z.string(), z.string({ error: "header values must be strings" }));

/** A PEM certificate (or bundle) that an adapter trusts for this engine only. */
export const pemCertificate = z
  .string()
  .refine((s) => s.includes("-----BEGIN CERTIFICATE-----"), "expected a PEM certificate (-----BEGIN CERTIFICATE-----)");
