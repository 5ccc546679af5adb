import { afterEach, describe, expect, it, vi } from 'vitest';
import { overwriteGetLocale } from '../paraglide/runtime.js';
import { deviceKey, DeviceKeyError } from './keys.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  overwriteGetLocale(() => 'en');
});

describe('signing-key errors in the chosen language', () => {
  it('a browser without WebCrypto is told why its ballots cannot be signed, in English or in Spanish', async () => {
    vi.stubGlobal('crypto', {});
    overwriteGetLocale(() => 'en');
    const english = await deviceKey('ws1', 'ana').catch((e: unknown) => e);
    expect(english).toBeInstanceOf(DeviceKeyError);
    expect((english as Error).message).toBe('This browser has no WebCrypto, so your ballots cannot be signed here.');
    overwriteGetLocale(() => 'es');
    const spanish = await deviceKey('ws1', 'ana').catch((e: unknown) => e);
    expect((spanish as Error).message).toBe('Este navegador no tiene WebCrypto, así que aquí no se pueden firmar tus votos.');
  });
});
