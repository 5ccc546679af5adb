import { describe, expect, it } from 'vitest';
import { keepTransfer } from './clipboard-lazy.ts';

describe('keepTransfer', () => {
  it("keeps a paste's strings after the browser empties its DataTransfer", () => {
    const live = new Map([['text/html', '<b>Rota</b>'], ['text/plain', 'Rota'], ['Files', '']]);
    const data = { types: [...live.keys()], getData: (type: string) => live.get(type) ?? '' };
    const kept = keepTransfer(data);
    live.clear();
    expect(kept.getData('text/html')).toBe('<b>Rota</b>');
    expect(kept.getData('text/plain')).toBe('Rota');
    expect(kept.getData('application/x-lexical-editor')).toBe('');
    expect([...kept.types]).toEqual(['text/html', 'text/plain']);
  });
});
