/**
 * Every notification's words (push bodies, email lines). An event carries its words as a
 * message key with its parameters (`NotifyText`), so the server says it in each recipient's
 * language at sending time (server/notifications/words.ts renders the `notify_*` messages of
 * messages/<locale>.json); the English sentence made here is kept beside it as the stored
 * `body` (rows recorded before the words were keys, logs, and a locale nobody chose).
 * Member-written parts (titles, names, quotes) are parameters and never translated. Each
 * takes a title already shortened. server/notifications/words.test.ts checks that these
 * English sentences are the English messages.
 */

/** A notification's words: a `notify_*` message key and its parameters. */
export interface NotifyText {
  key: NotifyKey;
  params: Record<string, string | number>;
}

const english = {
  notify_proposal_opened: (p) => `Open for your vote: ${p.title}`,
  notify_proposal_closing: (p) => `Closes within a day, you have not voted: ${p.title}`,
  notify_proposal_passed: (p) => `Decided (passed): ${p.title}`,
  notify_proposal_not_passed: (p) => `Decided (not passed): ${p.title}`,
  notify_task_assigned: (p) => `Handed to you: ${p.title}`,
  notify_task_due: (p) => `Due tomorrow: ${p.title}`,
  notify_task_claimed: (p) => `Claimed: ${p.title}`,
  notify_task_unclaimed: (p) => `Unclaimed for a week: ${p.title}`,
  notify_mentioned: (p) => `You were mentioned in a comment on “${p.quote}”`,
  notify_mentioned_in_text: (p) => `You were mentioned in a document: “${p.quote}”`,
  notify_ask_matched: (p) => `Your ask was matched: ${p.title}`,
  notify_offer_matched: (p) => `Your offer was matched with an ask: ${p.title}`,
  notify_need_matched: (p) => `Matched on the needs board: ${p.title}`,
  notify_meeting_soon: (p) => `Meeting in ${p.count} minute${p.count === 1 ? '' : 's'}: ${p.title}`,
  notify_minutes_ready: (p) => `Minutes are ready: ${p.title}`,
  notify_newcomer_joined: (p) => `Someone new joined: ${p.name}. Say hello!`
} satisfies Record<string, (p: Record<string, string | number>) => string>;

export type NotifyKey = keyof typeof english;
export const NOTIFY_KEYS = Object.keys(english) as NotifyKey[];

/** The English sentence of a notification's words. */
export const englishText = (text: NotifyText): string => english[text.key](text.params);

const t = (key: NotifyKey, params: Record<string, string | number>): NotifyText => ({ key, params });

export const texts = {
  proposalOpened: (title: string) => t('notify_proposal_opened', { title }),
  proposalClosing: (title: string) => t('notify_proposal_closing', { title }),
  proposalClosed: (passed: boolean, title: string) => t(passed ? 'notify_proposal_passed' : 'notify_proposal_not_passed', { title }),
  taskAssigned: (title: string) => t('notify_task_assigned', { title }),
  taskDue: (title: string) => t('notify_task_due', { title }),
  taskClaimed: (title: string) => t('notify_task_claimed', { title }),
  taskUnclaimed: (title: string) => t('notify_task_unclaimed', { title }),
  mentioned: (quote: string) => t('notify_mentioned', { quote }),
  mentionedInText: (quote: string) => t('notify_mentioned_in_text', { quote }),
  askMatched: (title: string) => t('notify_ask_matched', { title }),
  offerMatched: (title: string) => t('notify_offer_matched', { title }),
  needMatched: (title: string) => t('notify_need_matched', { title }),
  meetingSoon: (minutes: number, title: string) => t('notify_meeting_soon', { count: minutes, title }),
  minutesReady: (title: string) => t('notify_minutes_ready', { title }),
  newcomerJoined: (name: string) => t('notify_newcomer_joined', { name })
} as const;
