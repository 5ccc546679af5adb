import { describe, expect, it } from 'vitest';
import { meetingTitle, uniqueTitle } from './new-document';

describe('new document titles', () => {
  it('a meeting is named by its date', () => {
    const title = meetingTitle(new Date(2026, 11, 7, 12));
    expect(title.startsWith('Meeting ')).toBe(true);
    expect(title).toContain('7');
    expect(title).not.toBe(meetingTitle(new Date(2026, 11, 14, 12)));
  });

  it('never repeats a title already in the workspace', () => {
    expect(uniqueTitle('Meeting Sat, Dec 7', ['Meeting Fri, Dec 6'])).toBe('Meeting Sat, Dec 7');
    expect(uniqueTitle('Meeting Sat, Dec 7', ['meeting sat, dec 7'])).toBe('Meeting Sat, Dec 7 (2)');
    expect(uniqueTitle('Meeting Sat, Dec 7', ['Meeting Sat, Dec 7', 'Meeting Sat, Dec 7 (2)'])).toBe('Meeting Sat, Dec 7 (3)');
  });
});
