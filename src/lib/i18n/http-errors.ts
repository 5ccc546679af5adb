/**
 * The server's HTTP refusals in the person's language. HTTP errors carry a stable `code`
 * (src/lib/shared/error-codes.ts) beside the server's own English sentence. The sentence shown
 * is the message for that code in the chosen language — except in English, where the server's
 * own sentence is the message and is often more precise ("This workspace is full: it has 200
 * members"). Loaded when a request fails (`serverErrorTextOf` in server-errors.ts), not with
 * the editor: a page that never sees a refusal never carries these words (issue 25).
 */
import { m } from '../paraglide/messages.js';
import { baseLocale, getLocale } from '../paraglide/runtime.js';
import { codeForStatus } from '../shared/error-codes.ts';

/** The message of each code (a test checks every code the server may send has one). */
export const HTTP_MESSAGES: Record<string, () => string> = {
  'bad-request': m.error_bad_request,
  unauthorized: m.error_unauthorized,
  forbidden: m.error_forbidden,
  'not-found': m.error_not_found,
  'method-not-allowed': m.error_method_not_allowed,
  conflict: m.error_conflict,
  gone: m.error_gone,
  'too-large': m.error_too_large,
  'unsupported-media-type': m.error_bad_request,
  'rate-limited': m.error_rate_limited,
  'server-error': m.error_server_error,
  'upstream-failed': m.error_server_error,
  unavailable: m.error_server_error,
  'token-invalid': m.error_token_invalid,
  'device-removed': m.error_device_removed,
  'wrong-workspace': m.error_wrong_workspace,
  'role-required': m.error_role_required,
  'self-only': m.error_self_only,
  'invite-invalid': m.error_invite_invalid,
  'workspace-not-found': m.error_workspace_not_found,
  'workspace-full': m.error_workspace_full,
  'member-not-found': m.error_member_not_found,
  'last-admin': m.error_last_admin,
  'key-limit': m.error_key_limit,
  'creation-closed': m.error_creation_closed,
  'creation-code-required': m.error_creation_code_required,
  'creation-code-wrong': m.error_creation_code_wrong,
  'name-invalid': m.error_name_invalid,
  'device-link-invalid': m.error_device_link_invalid,
  'device-limit': m.error_device_limit,
  'only-device': m.error_only_device,
  'device-not-found': m.error_device_not_found,
  'viewer-read-only': m.error_viewer_read_only,
  'version-name-required': m.error_version_name_required,
  'email-disabled': m.error_email_disabled,
  'mail-failed': m.error_mail_failed,
  'confirmation-invalid': m.error_confirmation_invalid,
  'not-subscribed': m.error_not_subscribed
};

/** The sentence for an HTTP error answer (`status` and its parsed JSON body, if any). */
export function serverErrorText(status: number, body: unknown): string {
  const fields = typeof body === 'object' && body !== null ? (body as { error?: unknown; code?: unknown }) : {};
  const said = typeof fields.error === 'string' && fields.error ? fields.error : undefined;
  if (said && getLocale() === baseLocale) return said;
  const code = typeof fields.code === 'string' ? fields.code : codeForStatus(status);
  const message = HTTP_MESSAGES[code] ?? HTTP_MESSAGES[codeForStatus(status)];
  return message ? message() : (said ?? m.error_server_answered({ status }));
}
