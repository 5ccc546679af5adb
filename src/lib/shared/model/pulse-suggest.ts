/**
 * Gentle suggestions when a member's own check-in signals overload (issue 24), drawn from
 * the group's own tools: scale back (release claims with a note, `scaleBack`), hand a claim
 * to its co-lead (`reassignTask`), step out of a rotating role the member held last so the
 * rotation moves on to the next willing member (`setWilling`, `rankForRole`). Pure: the
 * caller passes what the member holds; nothing is done without their tap.
 */
import type * as Y from 'yjs';
import type { OverloadReason } from './pulse';
import { rankForRole, readRoles } from './rotation';

/** A claim as the suggestions need it. */
export interface HeldClaim {
  docId: string;
  id: string;
  title: string;
  coLead: string | null;
}

/** A rotating role the member took last (the rotation would suggest someone else next if they step out). */
export interface RoleHeld {
  roleId: string;
  name: string;
  /** Who the rotation suggests once the member steps out; null when nobody else is willing. */
  next: string | null;
}

export type PulseSuggestion =
  | { kind: 'scale-back'; claims: number }
  | { kind: 'hand-to-co-lead'; docId: string; taskId: string; title: string; coLead: string }
  | { kind: 'rotation'; roleId: string; name: string; next: string | null };

/** At most this many "hand to co-lead" suggestions (the rest are one "scale back" away). */
const MAX_HANDOVERS = 3;

/**
 * What to suggest for `reasons` (from `overloadSignal`): nothing without a signal; otherwise
 * handing claims to their co-leads first (the work goes on with someone who knows it), then
 * scaling back, then stepping out of roles held last.
 */
export function pulseSuggestions(reasons: readonly OverloadReason[], claims: readonly HeldClaim[], roles: readonly RoleHeld[]): PulseSuggestion[] {
  if (reasons.length === 0) return [];
  const out: PulseSuggestion[] = claims
    .filter((c): c is HeldClaim & { coLead: string } => c.coLead !== null)
    .slice(0, MAX_HANDOVERS)
    .map((c) => ({ kind: 'hand-to-co-lead', docId: c.docId, taskId: c.id, title: c.title, coLead: c.coLead }));
  if (claims.length > 0) out.push({ kind: 'scale-back', claims: claims.length });
  for (const r of roles) out.push({ kind: 'rotation', roleId: r.roleId, name: r.name, next: r.next });
  return out;
}

/**
 * The rotating roles whose latest turn was `memberId`'s and for which they are still marked
 * willing, with who the rotation would suggest without them.
 */
export function rolesHeldLast(index: Y.Doc, memberId: string, now: number): RoleHeld[] {
  return readRoles(index)
    .value.filter((r) => r.history.at(-1)?.memberId === memberId && r.willing.includes(memberId))
    .map((r) => ({
      roleId: r.id,
      name: r.name,
      next: rankForRole(index, r.id, now).value.find((s) => s.memberId !== memberId)?.memberId ?? null
    }));
}
