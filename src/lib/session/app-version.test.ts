import { describe, expect, it } from 'vitest';
import { announcement, announcesOtherVersion, asksVersion, VERSION_QUESTION } from './app-version';

describe('announcesOtherVersion', () => {
  it('is true for the worker announcing another version than the page runs', () => {
    expect(announcesOtherVersion({ kind: 'mutual-version', version: '2' }, '1')).toBe(true);
  });

  it('is false for the version the page runs (a first install, or a page opened after the update)', () => {
    expect(announcesOtherVersion({ kind: 'mutual-version', version: '1' }, '1')).toBe(false);
  });

  it('ignores other messages from the worker and malformed ones', () => {
    for (const data of [null, undefined, 'mutual-version', 42, { kind: 'push', version: '2' }, { kind: 'mutual-version' }, { kind: 'mutual-version', version: 2 }]) {
      expect(announcesOtherVersion(data, '1')).toBe(false);
    }
  });

  it("reads the worker's own announcement as one", () => {
    expect(announcesOtherVersion(announcement('2'), '1')).toBe(true);
    expect(announcesOtherVersion(announcement('1'), '1')).toBe(false);
  });
});

describe('asksVersion', () => {
  it("is true for a page's question only", () => {
    expect(asksVersion(VERSION_QUESTION)).toBe(true);
    for (const data of [null, undefined, 'mutual-version?', announcement('1'), { kind: 'push' }]) expect(asksVersion(data)).toBe(false);
  });
});
