import type { z } from "zod";
import { ValidationError, type ValidationIssue } from "./errors";

/** Formats zod issues as `path: message` pairs that name the field and say how to fix it. */
export function toIssues(error: z.ZodError, prefix = ""): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    return { path, message: describeIssue(issue) };
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}: remove ${issue.keys.length > 1 ? "them" : "it"} (check the spelling against the documented fields)`;
    case "invalid_type":
      if ((issue as { input?: unknown }).input === undefined) return `required field is missing: add it (${issue.expected})`;
      return `${issue.message.replace(/^Invalid input: /, "")}`;
    default:
      return issue.message;
  }
}

/** Parses `value` with `schema` or throws a ValidationError naming every offending field under `prefix`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, subject: string, prefix = ""): z.infer<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationError(subject, toIssues(result.error, prefix));
  return result.data;
}
