/**
 * What notifications say, in the recipient's language (issue 21): the server renders the
 * `notify_*` messages of messages/<locale>.json (compiled by Paraglide into src/lib/paraglide,
 * each message taking `{ locale }`) for the language each device's subscription and each
 * member's email settings recorded. Member-written parts (titles, names, the workspace's
 * name) are parameters, never translated. A row recorded before its words were a message key
 * (no `text`), or a key this build does not know, says its stored English `body`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { englishText, NOTIFY_KEYS, type NotifyKey, type NotifyText } from '#shared/notifications/texts';
import type { NotificationKind } from '#shared/notifications/prefs';
import type { NotificationContent } from './types.ts';

/**
 * The compiled messages, loaded by URL rather than a static import: Vite bundles its config
 * (which reaches this module through the dev server plugin) before its plugins compile the
 * messages, so a static import would make a fresh clone's first `vite build` fail. Compiled
 * here first when missing and the compiler is at hand (a fresh clone running a CLI); a
 * production install brings them (Dockerfile, docs/self-hosting.md).
 */
const compiled = new URL('../../src/lib/paraglide/', import.meta.url);
const root = new URL('../../', import.meta.url);
if (!existsSync(fileURLToPath(new URL('messages.js', compiled))) && existsSync(fileURLToPath(new URL('scripts/paraglide-compile.mjs', root)))) {
  execFileSync(process.execPath, ['scripts/paraglide-compile.mjs'], { cwd: fileURLToPath(root), stdio: 'inherit' });
}
const { m } = (await import(new URL('messages.js', compiled).href)) as typeof import('../../src/lib/paraglide/messages.js');
const { baseLocale, isLocale, locales } = (await import(new URL('runtime.js', compiled).href)) as typeof import('../../src/lib/paraglide/runtime.js');

export type Locale = (typeof locales)[number];
export { locales };

/** `value` if it is a language Mutual speaks, else null (a client's word is checked, never trusted). */
export function supportedLocale(value: unknown): Locale | null {
  return typeof value === 'string' && isLocale(value) ? value : null;
}

const say = (locale: string | null | undefined): { locale: Locale } => ({ locale: supportedLocale(locale) ?? baseLocale });

const messages: Record<NotifyKey, (params: Record<string, string | number>, options: { locale: Locale }) => string> = Object.fromEntries(
  NOTIFY_KEYS.map((key) => [key, m[key] as unknown as (params: Record<string, string | number>, options: { locale: Locale }) => string])
) as never;

/** A notification's words in `locale` (the English sentence for an unknown key). */
export function textIn(text: NotifyText, locale: string | null | undefined): string {
  const message = messages[text.key];
  return message ? message(text.params, say(locale)) : englishText(text);
}

/** What a stored notification says in `locale`: its words if it has them, else the stored body. */
export function bodyIn(content: NotificationContent, locale: string | null | undefined): string {
  return content.text && NOTIFY_KEYS.includes(content.text.key) ? textIn(content.text, locale) : content.body;
}

/** The text of a mail: what happened, the link, and where to change what one gets. */
export function mailText(content: NotificationContent, body: string, origin: string, workspaceId: string, locale: string | null): string {
  const settings = `${origin}/w/${workspaceId}/me#notifications`;
  const { locale: l } = say(locale);
  return `${body}\n\n${m.notify_mail_open_it({ url: `${origin}${content.url}` }, { locale: l })}\n\n${m.notify_mail_footer({ workspace: content.title, url: settings }, { locale: l })}\n`;
}

/**
 * A digest's first lines: what it bundles (the kind's name when all are one kind, else how
 * many updates; the first line is also the mail's subject), then since when, as a date and
 * time in the member's language and time zone.
 */
export function digestHeading(kinds: readonly NotificationKind[], count: number, since: number, timeZone: string, locale: string | null): string {
  const options = say(locale);
  const heading = new Set(kinds).size === 1 ? kindName(kinds[0], options) : m.notify_digest_updates({ count }, options);
  return `${heading}\n${m.notify_digest_since({ date: dateTime(since, timeZone, options.locale) }, options)}`;
}

const kindName = (kind: NotificationKind, options: { locale: Locale }): string =>
  (m[kindKey(kind) as keyof typeof m] as unknown as ((i: object, o: { locale: Locale }) => string) | undefined)?.({}, options) ?? kind;

/** A moment as a date and time in `locale`, in `timeZone` (UTC when the zone is unknown here). */
export function dateTime(at: number, timeZone: string, locale: Locale): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(at);
  } catch {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(at);
  }
}

/** The confirmation mail for a new address. */
export function confirmMail(workspace: string, link: string, locale: string | null): { subject: string; text: string } {
  const options = say(locale);
  return { subject: m.notify_confirm_subject({ workspace }, options), text: `${m.notify_confirm_text({ workspace, link }, options)}\n` };
}

/** The test notification's words. */
export const testText = (locale: string | null): string => m.notify_test({}, say(locale));

/** A notification kind's name in `locale` (the settings list; English when the language is unknown). */
export function kindNameIn(kind: NotificationKind, locale: string | null | undefined): string {
  return kindName(kind, say(locale));
}

/** The message key of a kind's name (`notification_kind_proposal_opened`): a client translates it itself. */
export const kindKey = (kind: NotificationKind): string => `notification_kind_${kind.replace(/-/g, '_')}`;

/**
 * The first language of an Accept-Language header that Mutual speaks ("es-MX,es;q=0.9" → es),
 * by weight; null when none is.
 */
export function acceptedLocale(header: string | undefined): Locale | null {
  const tags = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(/^\s*q=([0-9.]+)\s*$/.exec(params.join(';'))?.[1] ?? 1);
      return { tag: tag.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of tags) {
    const found = supportedLocale(tag) ?? supportedLocale(tag.split('-')[0]);
    if (found) return found;
  }
  return null;
}
