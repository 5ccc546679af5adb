/**
 * Typed errors thrown by model mutations. Derived views never throw (they report
 * issues instead); mutations refuse a change that the local replica can already
 * see is wrong, before writing anything, so a transaction is never half-applied.
 */

/** Why a mutation was refused. Stable strings: the UI maps them to plain words. */
export type ModelErrorCode =
  | 'not-found'
  | 'wrong-kind'
  | 'invalid-input'
  | 'already-exists'
  | 'already-seeded'
  | 'reason-required'
  | 'unknown-choice'
  | 'not-draft'
  | 'not-open'
  | 'not-closed'
  | 'deadline-passed'
  | 'member-count-required'
  | 'already-claimed'
  | 'not-claimant'
  | 'already-done'
  | 'not-done'
  | 'co-lead-taken'
  | 'already-matched'
  | 'not-matchable'
  | 'not-matched'
  | 'entry-closed'
  | 'secret-ballot';

/** A refused model mutation. `message` is written for people, `code` for programs. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string
  ) {
    super(message);
  }
}

/** Type guard for {@link ModelError}, for `catch (e)` blocks. */
export function isModelError(error: unknown): error is ModelError {
  return error instanceof ModelError;
}
