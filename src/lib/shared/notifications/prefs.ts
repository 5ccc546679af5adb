/**
 * What a member wants to hear about, and when (issue 19): kinds of notification, channels,
 * quiet hours in the member's own time zone, email now or bundled in a digest. Pure: the
 * relay decides with it, the settings page shows and edits it.
 *
 * Defaults do not nag: push for the things that need the member (a proposal they may vote
 * on, its last day, a task handed to them or due tomorrow, the outcome), nothing for others'
 * claims, newcomers only for those who offer to welcome them, quiet from 21:00 to 08:00,
 * and email (once confirmed) as a weekly digest.
 */

/** Kinds of notification the relay sends. */
export const NotificationKinds = [
  'proposal-opened',
  'proposal-closing',
  'proposal-closed',
  'task-assigned',
  'task-due',
  'task-claimed',
  'task-unclaimed',
  'mentioned',
  'need-matched',
  'meeting-soon',
  'minutes-ready',
  'newcomer-joined'
] as const;
export type NotificationKind = (typeof NotificationKinds)[number];

/** People's words for each kind (settings page, digest headings). */
export const KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  'proposal-opened': 'A proposal opens for your vote',
  'proposal-closing': 'A proposal closes tomorrow and you have not voted',
  'proposal-closed': 'A proposal you voted on (or were asked to) is decided',
  'task-assigned': 'A task is handed to you',
  'task-due': 'A task you hold is due tomorrow',
  'task-claimed': 'Someone claims a task you created',
  'task-unclaimed': 'A task stays unclaimed for a week (coordinators)',
  mentioned: 'Someone mentions you in a comment or a document',
  'need-matched': 'An ask is matched (yours, or as a coordinator)',
  'meeting-soon': 'A meeting starts in 15 minutes',
  'minutes-ready': 'A meeting’s minutes are ready',
  'newcomer-joined': 'Tell me when someone new joins (to welcome them)'
};

/** How email reaches the member: not at all, one mail per notification, or a digest. */
export const EmailModes = ['off', 'immediate', 'daily', 'weekly'] as const;
export type EmailMode = (typeof EmailModes)[number];

/** Quiet hours: no push between `from` and `to` (local "HH:MM"; may wrap past midnight). */
export interface QuietHours {
  from: string;
  to: string;
}

export interface NotificationPrefs {
  /** Kinds the member wants (missing kinds take their default). */
  kinds: Record<NotificationKind, boolean>;
  /** Push to the member's subscribed devices. */
  push: boolean;
  email: EmailMode;
  /** null: push at any hour. */
  quiet: QuietHours | null;
  /** IANA time zone of quiet hours and digests, e.g. "Europe/Berlin". */
  timeZone: string;
}

export const DEFAULT_PREFS: Readonly<NotificationPrefs> = Object.freeze({
  kinds: Object.freeze({
    'proposal-opened': true,
    'proposal-closing': true,
    'proposal-closed': true,
    'task-assigned': true,
    'task-due': true,
    'task-claimed': false,
    'task-unclaimed': true,
    mentioned: true,
    'need-matched': true,
    'meeting-soon': true,
    'minutes-ready': true,
    'newcomer-joined': false
  }),
  push: true,
  email: 'weekly',
  quiet: Object.freeze({ from: '21:00', to: '08:00' }),
  timeZone: 'UTC'
}) as NotificationPrefs;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Whether `tz` is a time zone this runtime knows. */
export function isTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Read stored or sent preferences over the defaults. Returns the preferences, or a plain
 * sentence saying what is wrong (the API answers 400 with it).
 */
export function parsePrefs(raw: unknown, base: NotificationPrefs = DEFAULT_PREFS): NotificationPrefs | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'Preferences are an object.';
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !['kinds', 'push', 'email', 'quiet', 'timeZone'].includes(k));
  if (unknown.length > 0) return `Unknown field: ${unknown.join(', ')}.`;
  const out: NotificationPrefs = { ...base, kinds: { ...DEFAULT_PREFS.kinds, ...base.kinds } };
  if (r.kinds !== undefined) {
    if (r.kinds === null || typeof r.kinds !== 'object' || Array.isArray(r.kinds)) return 'kinds maps kinds of notification to true or false.';
    for (const [k, v] of Object.entries(r.kinds)) {
      if (!(NotificationKinds as readonly string[]).includes(k)) return `Unknown kind of notification: ${k}.`;
      if (typeof v !== 'boolean') return `kinds.${k} must be true or false.`;
      out.kinds[k as NotificationKind] = v;
    }
  }
  if (r.push !== undefined) {
    if (typeof r.push !== 'boolean') return 'push must be true or false.';
    out.push = r.push;
  }
  if (r.email !== undefined) {
    if (!(EmailModes as readonly unknown[]).includes(r.email)) return 'email must be "off", "immediate", "daily" or "weekly".';
    out.email = r.email as EmailMode;
  }
  if (r.quiet !== undefined) {
    const q = r.quiet as Partial<QuietHours> | null;
    if (q !== null && (typeof q !== 'object' || !HHMM.test(String(q.from)) || !HHMM.test(String(q.to)) || q.from === q.to)) {
      return 'quiet is null or {"from": "HH:MM", "to": "HH:MM"} with two different times.';
    }
    out.quiet = q === null ? null : { from: q.from!, to: q.to! };
  }
  if (r.timeZone !== undefined) {
    if (!isTimeZone(r.timeZone)) return 'timeZone must be a time zone such as "Europe/Berlin".';
    out.timeZone = r.timeZone;
  }
  return out;
}

/** The local wall-clock parts of `at` in `timeZone`. */
export function localParts(at: number, timeZone: string): { date: string; minutes: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23'
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { date: `${get('year')}-${get('month')}-${get('day')}`, minutes: Number(get('hour')) * 60 + Number(get('minute')), weekday };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When a push may go out: `at` itself outside quiet hours, else the end of the quiet hours
 * (the member's local `to` time). Quiet hours defer, they never drop.
 */
export function pushAllowedAt(at: number, prefs: Pick<NotificationPrefs, 'quiet' | 'timeZone'>): number {
  if (!prefs.quiet) return at;
  const { minutes } = localParts(at, prefs.timeZone);
  const from = toMinutes(prefs.quiet.from);
  const to = toMinutes(prefs.quiet.to);
  const inside = from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
  if (!inside) return at;
  const wait = (to - minutes + 1440) % 1440;
  // To the start of the `to` minute: drop the seconds already past in this one.
  return at + wait * 60_000 - (at % 60_000);
}

/** The local hour after which a digest of the day (or week, on Mondays) goes out. */
export const DIGEST_LOCAL_MINUTES = 8 * 60;

/**
 * The digest period `at` falls in for the member, or null when no digest is due at `at`
 * (before 08:00 local time; for weekly digests, any day but Monday). Two calls in the same
 * period give the same key, which makes a digest once per period.
 */
export function digestPeriod(at: number, mode: EmailMode, timeZone: string): string | null {
  if (mode !== 'daily' && mode !== 'weekly') return null;
  const local = localParts(at, timeZone);
  if (local.minutes < DIGEST_LOCAL_MINUTES) return null;
  if (mode === 'weekly' && local.weekday !== 1) return null;
  return `${mode}:${local.date}`;
}
