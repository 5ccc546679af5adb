/**
 * Typed errors of the local-first client. Every error carries a `message` in
 * plain words that the UI can show as is; `kind` lets code branch without
 * parsing text.
 */
import { m } from '../paraglide/messages.js';

/** Why the device store failed. */
export type LocalStoreErrorKind =
  /** The browser refused more storage (DOMException QuotaExceededError). */
  | 'quota'
  /** IndexedDB is missing or blocked (private mode, disabled storage). */
  | 'unavailable'
  /** Any other read/write failure. */
  | 'io';

const STORE_MESSAGES: Record<LocalStoreErrorKind, () => string> = {
  quota: m.store_error_quota,
  unavailable: m.store_error_unavailable,
  io: m.store_error_io
};

/** A failure of the device store (IndexedDB or its in-memory stand-in). */
export class LocalStoreError extends Error {
  override readonly name = 'LocalStoreError';
  constructor(
    readonly kind: LocalStoreErrorKind,
    options?: { cause?: unknown; message?: string }
  ) {
    super(options?.message ?? STORE_MESSAGES[kind](), { cause: options?.cause });
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

const WORKSPACE_MESSAGES: Record<WorkspaceErrorKind, () => string> = {
  offline: m.api_offline,
  'invite-invalid': m.workspace_error_invite_invalid,
  unauthorized: m.error_unauthorized,
  'bad-request': m.workspace_error_bad_request,
  'not-found': m.workspace_error_not_found,
  server: m.workspace_error_server,
  storage: m.workspace_error_storage
};

/** A failure creating, joining or changing a workspace. */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
  constructor(
    readonly kind: WorkspaceErrorKind,
    options?: { cause?: unknown; message?: string; status?: number }
  ) {
    super(options?.message ?? WORKSPACE_MESSAGES[kind](), { cause: options?.cause });
    this.status = options?.status;
  }
  /** HTTP status when the server answered. */
  readonly status: number | undefined;
}
