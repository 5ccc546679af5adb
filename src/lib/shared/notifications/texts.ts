/**
 * Every notification's words (push bodies, email lines), in one place so they can move to
 * the message files (issue 21) as they are. Each takes a title already shortened.
 */
export const texts = {
  proposalOpened: (title: string) => `Open for your vote: ${title}`,
  proposalClosing: (title: string) => `Closes within a day, you have not voted: ${title}`,
  proposalClosed: (passed: boolean, title: string) => `Decided (${passed ? 'passed' : 'not passed'}): ${title}`,
  taskAssigned: (title: string) => `Handed to you: ${title}`,
  taskDue: (title: string) => `Due tomorrow: ${title}`,
  taskClaimed: (title: string) => `Claimed: ${title}`,
  taskUnclaimed: (title: string) => `Unclaimed for a week: ${title}`,
  mentioned: (quote: string) => `You were mentioned in a comment on “${quote}”`,
  mentionedInText: (quote: string) => `You were mentioned in a document: “${quote}”`,
  askMatched: (title: string) => `Your ask was matched: ${title}`,
  offerMatched: (title: string) => `Your offer was matched with an ask: ${title}`,
  needMatched: (title: string) => `Matched on the needs board: ${title}`,
  meetingSoon: (minutes: number, title: string) => `Meeting in ${minutes} minute${minutes === 1 ? '' : 's'}: ${title}`,
  minutesReady: (title: string) => `Minutes are ready: ${title}`,
  newcomerJoined: (name: string) => `Someone new joined: ${name}. Say hello!`
} as const;
