// What a failure means to the person at the desk: every `{code, message}` the UI can meet gets a
// localised sentence with the action that helps. The UI decides on the code alone; the core's
// English message is kept only as detail (a tooltip), never matched on.
import { BylineError } from "./api";
import type { ErrorCode } from "./bindings/ErrorCode";
import { t, type Key } from "./i18n";

// A Record, so a code added on the Rust side fails the typecheck until it has its sentence.
const KNOWN: Record<ErrorCode, true> = {
  invalid_input: true,
  not_found: true,
  conflict: true,
  precondition_failed: true,
  too_large: true,
  unsupported: true,
  idempotency_mismatch: true,
  unauthorized: true,
  forbidden: true,
  editor_required: true,
  rate_limited: true,
  blocked: true,
  unavailable: true,
  io: true,
  storage: true,
  disk_full: true,
  internal: true,
};
const CODES = Object.keys(KNOWN) as ErrorCode[];

/** The error's stable code (`internal` for anything that is not a BylineError). */
export function errorCode(e: unknown): ErrorCode {
  if (e instanceof BylineError && (CODES as readonly string[]).includes(e.code)) return e.code as ErrorCode;
  return "internal";
}

/** The localised sentence for a failure. */
export function errorText(e: unknown): string {
  return t(`err_${errorCode(e)}` as Key);
}

/** The core's own words, for a tooltip. */
export function errorDetail(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const ERROR_CODES = CODES;
