/**
 * Typed errors of the local-first client. Every error carries a `message` in
 * plain words that the UI can show as is; `kind` lets code branch without
 * parsing text.
 */

/** Why the device store failed. */
export type LocalStoreErrorKind =
  /** The browser refused more storage (DOMException QuotaExceededError). */
  | 'quota'
  /** IndexedDB is missing or blocked (private mode, disabled storage). */
  | 'unavailable'
  /** Any other read/write failure. */
  | 'io';

const STORE_MESSAGES: Record<LocalStoreErrorKind, string> = {
  quota:
    'This device is out of storage space for Mutual, so recent changes could not be saved on it. ' +
    'Keep this page open until you are back online (changes are sent to the server), and free up space to keep working offline.',
  unavailable:
    'This browser does not let Mutual save documents on the device (private browsing or storage turned off). ' +
    'You can keep working while online, but nothing will open offline.',
  io: 'Mutual could not read or write its data on this device. Reloading the page usually helps.'
};

/** A failure of the device store (IndexedDB or its in-memory stand-in). */
export class LocalStoreError extends Error {
  override readonly name = 'LocalStoreError';
  constructor(
    readonly kind: LocalStoreErrorKind,
    options?: { cause?: unknown; message?: string }
  ) {
    super(options?.message ?? STORE_MESSAGES[kind], { cause: options?.cause });
  }
}

/**
 * Map anything IndexedDB threw (DOMException, TypeError, idb wrapper errors) to
 * a {@link LocalStoreError}. Quota errors are recognised by name because
 * browsers differ in codes, and because an aborted transaction reports the
 * quota error as its `error`.
 */
export function toLocalStoreError(error: unknown): LocalStoreError {
  if (error instanceof LocalStoreError) return error;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') {
    return new LocalStoreError('quota', { cause: error });
  }
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'UnknownError') {
    return new LocalStoreError('unavailable', { cause: error });
  }
  return new LocalStoreError('io', { cause: error });
}

/** Why a call to the workspace HTTP API failed. */
export type WorkspaceErrorKind =
  | 'offline'
  | 'invite-invalid'
  | 'unauthorized'
  | 'bad-request'
  | 'not-found'
  | 'server'
  | 'storage';

const WORKSPACE_MESSAGES: Record<WorkspaceErrorKind, string> = {
  offline: "You're offline — this needs a connection. Try again when you're back online.",
  'invite-invalid': 'That invite link is no longer valid — ask for a new one.',
  unauthorized: 'This device is no longer a member of that workspace.',
  'bad-request': 'Something in the form was not accepted. Check the names and try again.',
  'not-found': 'That workspace is not on this device.',
  server: 'The server had a problem. Try again in a moment.',
  storage: 'This device could not save the workspace. Free up some storage space and try again.'
};

/** A failure creating, joining or changing a workspace. */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
  constructor(
    readonly kind: WorkspaceErrorKind,
    options?: { cause?: unknown; message?: string; status?: number }
  ) {
    super(options?.message ?? WORKSPACE_MESSAGES[kind], { cause: options?.cause });
    this.status = options?.status;
  }
  /** HTTP status when the server answered. */
  readonly status: number | undefined;
}
