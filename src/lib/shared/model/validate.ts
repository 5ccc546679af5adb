/**
 * Reading peer data defensively. Any replica may write anything into a shared
 * Y.Doc (an old client, a modified one, a bug), so derived views treat stored
 * values as `unknown`, keep what is well-formed and report the rest as issues.
 * A derived view never throws because of what a peer wrote.
 */
import * as Y from 'yjs';

/** Something a derived view skipped or repaired, with the reason in plain words. */
export interface ModelIssue {
  /** The block the issue belongs to ('' for document- or workspace-level data). */
  blockId: string;
  reason: string;
}

/** A derived value together with the issues met while deriving it. */
export interface Read<T> {
  value: T;
  issues: ModelIssue[];
}

/** Collects issues for one block while it is being read. */
export class IssueLog {
  constructor(
    readonly blockId: string,
    readonly issues: ModelIssue[] = []
  ) {}
  add(reason: string): void {
    this.issues.push({ blockId: this.blockId, reason });
  }
}

/** A plain object (not an array, not a Yjs type, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Y.AbstractType) &&
    !(value instanceof Uint8Array)
  );
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

/** Guard for a value from a fixed list of strings. */
export function oneOf<T extends string>(list: readonly T[]): (value: unknown) => value is T {
  return (value: unknown): value is T => typeof value === 'string' && (list as readonly string[]).includes(value);
}

/** Guard for `T | null` (a missing key reads as undefined and is handled by {@link readField}). */
export function orNull<T>(guard: (v: unknown) => v is T): (value: unknown) => value is T | null {
  return (value: unknown): value is T | null => value === null || guard(value);
}

/** Calendar date `YYYY-MM-DD` (due dates are days, not instants, so no time zone is involved). */
export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/**
 * Read `key` of a block map: the stored value when it passes `guard`, otherwise
 * `fallback` with an issue (a missing key is an issue only when `required`).
 */
export function readField<T>(
  map: Y.Map<unknown>,
  key: string,
  guard: (v: unknown) => v is T,
  fallback: T,
  log: IssueLog,
  required = true
): T {
  const raw = map.get(key);
  if (raw === undefined) {
    if (required) log.add(`missing field "${key}"`);
    return fallback;
  }
  if (guard(raw)) return raw;
  log.add(`field "${key}" has the wrong type (${describe(raw)})`);
  return fallback;
}

/** Short description of a value's type for issue messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Y.AbstractType) return value.constructor.name;
  return typeof value;
}

/**
 * JSON with object keys sorted, so equal values give equal strings regardless
 * of insertion order (Y.Map iteration order differs between replicas). Used to
 * compare ballots and as the signing payload of a ballot.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Uint8Array) return Array.from(value);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Copy of a record without `undefined` values (Yjs stores plain JSON; keep it clean). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** Issues without repeats (a view that reads the same block twice reports it once). */
export function uniqueIssues(issues: readonly ModelIssue[]): ModelIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.blockId}\u0000${i.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
