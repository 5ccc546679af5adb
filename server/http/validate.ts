import { isValidId, Limits } from '#shared/protocol';
import { HttpError } from './respond.ts';
import { ErrorCode } from '#shared/error-codes';

// Control characters (C0, DEL, C1) and bidi overrides have no place in a name shown to others.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A required person or workspace name: a string of 1..maxNameLength characters after trimming. */
export function requireName(body: Record<string, unknown>, field: string, label: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw new HttpError(400, `${label} is missing (field "${field}").`, {}, ErrorCode.nameInvalid);
  if (typeof value !== 'string') throw new HttpError(400, `${label} must be text (field "${field}").`, {}, ErrorCode.nameInvalid);
  const name = value.trim();
  if (name.length === 0) throw new HttpError(400, `${label} cannot be empty.`, {}, ErrorCode.nameInvalid);
  if ([...name].length > Limits.maxNameLength) throw new HttpError(400, `${label} is longer than ${Limits.maxNameLength} characters.`, {}, ErrorCode.nameInvalid);
  if (FORBIDDEN_IN_NAMES.test(name)) throw new HttpError(400, `${label} contains invisible control characters.`, {}, ErrorCode.nameInvalid);
  return name;
}

/** A workspace/member/document id from the path. */
export function requireId(value: string, label: string): string {
  if (!isValidId(value)) throw new HttpError(400, `${label} is not valid: use 1 to 64 letters, digits, - or _.`);
  return value;
}

/** Reject fields the endpoint does not know, so typos do not silently do nothing. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new HttpError(400, `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
}
