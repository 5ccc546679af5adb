/**
 * Machine-readable codes of the HTTP API's errors: `{"error": "plain words", "code": "…"}`.
 * Data only, shared by the server (which sends them) and the browser (which shows the sentence
 * for the code in the person's language). Stable: a code, once sent, keeps its meaning; new
 * codes may be added. Documented in docs/protocol.md.
 */

/** The code every error of a status carries unless a more specific one applies. */
export const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  410: 'gone',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  500: 'server-error',
  502: 'upstream-failed',
  503: 'unavailable'
};

/** Specific codes, for the refusals people meet in the app. */
export const ErrorCode = {
  /** The bearer token is missing, unknown or its member was removed. */
  tokenInvalid: 'token-invalid',
  /** This device was removed from its member's devices. */
  deviceRemoved: 'device-removed',
  /** The token belongs to another workspace. */
  wrongWorkspace: 'wrong-workspace',
  /** The member's role does not allow this call. */
  roleRequired: 'role-required',
  /** Only the member themselves (or an admin) may do this. */
  selfOnly: 'self-only',
  /** The invite secret is wrong or was rotated. */
  inviteInvalid: 'invite-invalid',
  /** No workspace with this id. */
  workspaceNotFound: 'workspace-not-found',
  /** The workspace has as many members as this server allows. */
  workspaceFull: 'workspace-full',
  /** No (active) member with this id. */
  memberNotFound: 'member-not-found',
  /** The change would leave the workspace without an admin. */
  lastAdmin: 'last-admin',
  /** The member has registered as many signing keys as allowed. */
  keyLimit: 'key-limit',
  /** Creating workspaces is switched off on this server. */
  creationClosed: 'creation-closed',
  /** This server asks for a creation code. */
  creationCodeRequired: 'creation-code-required',
  /** The creation code given is wrong. */
  creationCodeWrong: 'creation-code-wrong',
  /** A name field is missing, empty or too long. */
  nameInvalid: 'name-invalid',
  /** The device link is wrong, used or expired. */
  deviceLinkInvalid: 'device-link-invalid',
  /** The member has as many devices as allowed. */
  deviceLimit: 'device-limit',
  /** Removing this device would lock its member out. */
  onlyDevice: 'only-device',
  /** No such device (or it was already removed). */
  deviceNotFound: 'device-not-found',
  /** Viewers may read the history but not save versions. */
  viewerReadOnly: 'viewer-read-only',
  /** A named version needs a name. */
  versionNameRequired: 'version-name-required',
  /** This server does not send email. */
  emailDisabled: 'email-disabled',
  /** The confirmation mail could not be sent. */
  mailFailed: 'mail-failed',
  /** The email confirmation link is not valid any more. */
  confirmationInvalid: 'confirmation-invalid',
  /** This device is not subscribed to push notifications. */
  notSubscribed: 'not-subscribed'
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The code of an error with `status` and no more specific code. */
export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'server-error' : 'bad-request');
}
