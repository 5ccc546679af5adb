import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '../paraglide/runtime.js';
import { ErrorCode, STATUS_CODES } from '../shared/error-codes.ts';
import { CloseCode, DEVICE_REVOKED_MESSAGE, describeCloseCode } from '../shared/protocol.ts';
import { HTTP_MESSAGES, serverErrorText } from './http-errors.ts';
import { closeCodeText, refusalText, serverErrorTextOf } from './server-errors.ts';

const speak = (locale: 'en' | 'es') => overwriteGetLocale(() => locale);
afterEach(() => speak('en'));

describe('server errors in the chosen language', () => {
  it('has a sentence for every code the server may send', () => {
    const codes = [...Object.values(ErrorCode), ...Object.values(STATUS_CODES)];
    expect(codes.filter((c) => !HTTP_MESSAGES[c])).toEqual([]);
  });

  it('in English shows the server’s own sentence; without one, the sentence for the code', () => {
    expect(serverErrorText(409, { error: 'This workspace is full: it has 200 members. Ask an admin to make room.', code: 'workspace-full' })).toBe(
      'This workspace is full: it has 200 members. Ask an admin to make room.'
    );
    expect(serverErrorText(403, { code: 'invite-invalid' })).toBe('This invite is not valid: it may have been replaced by a newer one.');
    expect(serverErrorText(500, undefined)).toBe('Something went wrong on the server. Please try again.');
  });

  it('in Spanish shows the Spanish sentence for the code, or for the status when the code is unknown', () => {
    speak('es');
    expect(serverErrorText(403, { error: 'That creation code is not right. Check it with the person who runs this server.', code: 'creation-code-wrong' })).toBe(
      'Ese código de creación no es correcto. Compruébalo con quien administra este servidor.'
    );
    expect(serverErrorText(403, { error: 'Something new.', code: 'a-code-from-a-newer-server' })).toBe('No tienes permiso para hacer esto.');
    expect(serverErrorText(429, { error: 'Too many attempts. Please wait 30 seconds and try again.' })).toBe(
      'Demasiados intentos en poco tiempo. Espera un poco y vuelve a intentarlo.'
    );
  });

  it('loads the words when a request fails: the same sentence, in the chosen language', async () => {
    speak('es');
    expect(await serverErrorTextOf(403, { error: 'Something new.', code: 'invite-invalid' })).toBe(serverErrorText(403, { code: 'invite-invalid' }));
    expect(await serverErrorTextOf(403, { code: 'invite-invalid' })).not.toBe('This invite is not valid: it may have been replaced by a newer one.');
  });

  it('words sync refusals as the shared protocol does in English, and in Spanish by code', () => {
    for (const code of [CloseCode.badRequest, CloseCode.unauthorized, CloseCode.forbidden, CloseCode.tooLarge, CloseCode.changeRefused, CloseCode.rateLimited, 4999]) {
      expect(closeCodeText(code)).toBe(describeCloseCode(code));
    }
    const refused = { code: CloseCode.changeRefused, reason: `${describeCloseCode(CloseCode.changeRefused)} It said: “only your own ballot”.` };
    expect(refusalText(refused)).toBe(refused.reason);
    expect(refusalText({ code: CloseCode.unauthorized, reason: DEVICE_REVOKED_MESSAGE })).toBe(DEVICE_REVOKED_MESSAGE);
    speak('es');
    expect(closeCodeText(CloseCode.forbidden)).toBe('Tu rol en este espacio no permite abrir este documento.');
    expect(refusalText(refused)).toMatch(/^El servidor rechazó un cambio .* Dijo: «only your own ballot»\.$/);
    expect(refusalText(undefined)).toBe('');
  });
});
