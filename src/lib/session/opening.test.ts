import { describe, expect, it } from 'vitest';
import { openingOf } from './opening';

describe('opening a document without content', () => {
  const base = { seeded: false, inCatalogue: true, indexLive: true, canEdit: true };
  it('never seeds a document someone created: it waits for its content', () => {
    expect(openingOf(base)).toBe('wait');
    expect(openingOf({ ...base, indexLive: false })).toBe('wait');
  });
  it('shows a document with content', () => {
    expect(openingOf({ ...base, seeded: true })).toBe('show');
    expect(openingOf({ ...base, seeded: true, canEdit: false })).toBe('show');
  });
  it('creates a document at an unknown address only with the catalogue as the relay has it, and only for editors', () => {
    expect(openingOf({ ...base, inCatalogue: false })).toBe('create');
    expect(openingOf({ ...base, inCatalogue: false, indexLive: false })).toBe('wait');
    expect(openingOf({ ...base, inCatalogue: false, canEdit: false })).toBe('wait');
  });
});
