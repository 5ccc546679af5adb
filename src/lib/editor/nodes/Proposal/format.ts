/** Words and times for the proposal block. */
import { m } from '../../../paraglide/messages.js';
import { inTime } from '../../../i18n/format.ts';
import { getLocale } from '../../../paraglide/runtime.js';
import { choiceName } from '../../../i18n/method-words.ts';
import type { ProposalOption } from '../../../shared/model/methods/index.ts';
import type { StoredBallot } from '../../../shared/model/proposal-read.ts';

/** "stand-aside" → "Stand aside" (in the chosen language). */
export { choiceName as choiceLabel } from '../../../i18n/method-words.ts';

/** What a ballot says, in words: a choice, scores per option, or a ranking. */
export function ballotSummary(b: StoredBallot, options: readonly ProposalOption[]): string {
  const labelOf = (id: string) => options.find((o) => o.id === id)?.label ?? id;
  if (b.choice) return choiceName(b.choice);
  if (b.scores) return options.map((o) => `${o.label} ${b.scores?.[o.id] ?? 0}`).join(' · ');
  if (b.ranking) return b.ranking.map((id, i) => `${i + 1}. ${labelOf(id)}`).join('  ');
  return '';
}

/** A deadline or moment for people: "Fri 7 Mar, 14:00". */
export function formatWhen(ms: number): string {
  return new Date(ms).toLocaleString(getLocale(), { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** "in 2 days", "in 3 hours", "in 5 minutes", "passed" (in the chosen language). */
export function relativeTo(ms: number, now: number): string {
  const diff = ms - now;
  if (diff <= 0) return m.format_passed();
  const minutes = Math.round(diff / 60_000);
  if (minutes < 1) return m.format_in_less_than_a_minute();
  if (minutes < 90) return inTime(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 36) return inTime(hours, 'hour');
  return inTime(Math.round(hours / 24), 'day');
}

/** ms → value of an `<input type="datetime-local">` in local time. */
export function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Value of a datetime-local input → ms, or null when empty or invalid. */
export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}
