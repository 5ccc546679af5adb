import { describe, expect, it } from 'vitest';
import { describeLastSeen } from './last-seen';

describe('describeLastSeen', () => {
  const now = 1_000_000_000;
  it.each([
    [null, 'Not seen yet'],
    [now - 30_000, 'Active now'],
    [now - 5 * 60_000, 'Seen 5 minutes ago'],
    [now - 60 * 60_000, 'Seen 1 hour ago'],
    [now - 5 * 3600_000, 'Seen 5 hours ago'],
    [now - 49 * 3600_000, 'Seen 2 days ago'],
    [now + 60_000, 'Active now']
  ])('%s → %s', (at, words) => expect(describeLastSeen(at, now)).toBe(words));
});
