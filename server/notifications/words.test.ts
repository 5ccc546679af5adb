import { describe, expect, it } from 'vitest';
import { englishText, NOTIFY_KEYS, texts } from '#shared/notifications/texts';
import { bodyIn, confirmMail, digestHeading, mailText, supportedLocale, textIn } from './words.ts';

const sample = (key: (typeof NOTIFY_KEYS)[number]) => ({ key, params: { title: 'Pintar el salón', quote: 'the hall', name: 'Ben', count: 3 } });

describe('notification words in the member’s language', () => {
  it('every English sentence the shared rules store is the English message (they cannot drift apart)', () => {
    for (const key of NOTIFY_KEYS) expect(textIn(sample(key), 'en'), key).toBe(englishText(sample(key)));
    expect(textIn(texts.meetingSoon(1, 'Asamblea'), 'en')).toBe('Meeting in 1 minute: Asamblea');
  });

  it('says each notification in Spanish, with member-written words as written', () => {
    for (const key of NOTIFY_KEYS) expect(textIn(sample(key), 'es'), key).not.toBe(englishText(sample(key)));
    expect(textIn(texts.proposalOpened('Paint the hall'), 'es')).toBe('Abierta para tu voto: Paint the hall');
    expect(textIn(texts.proposalClosed(false, 'Paint the hall'), 'es')).toBe('Decidida (no aprobada): Paint the hall');
    expect(textIn(texts.meetingSoon(1, 'December meeting'), 'es')).toBe('Asamblea en 1 minuto: December meeting');
    expect(textIn(texts.meetingSoon(15, 'December meeting'), 'es')).toBe('Asamblea en 15 minutos: December meeting');
    expect(textIn(texts.mentioned('the hall'), 'es')).toBe('Te mencionaron en un comentario sobre “the hall”');
  });

  it('an unknown or missing locale is English; a row without words (recorded before them) says its stored body', () => {
    expect(textIn(texts.taskDue('Rent'), null)).toBe('Due tomorrow: Rent');
    expect(textIn(texts.taskDue('Rent'), 'fr')).toBe('Due tomorrow: Rent');
    const old = { kind: 'task-due', title: 'W', body: 'Due tomorrow: Rent', url: '/w/x' };
    expect(bodyIn(old, 'es')).toBe('Due tomorrow: Rent');
    expect(bodyIn({ ...old, text: texts.taskDue('Rent') }, 'es')).toBe('Vence mañana: Rent');
    expect(bodyIn({ ...old, text: { key: 'notify_from_the_future' as never, params: {} } }, 'es')).toBe('Due tomorrow: Rent');
  });

  it('checks a client’s locale against the languages Mutual speaks', () => {
    expect(supportedLocale('es')).toBe('es');
    expect(supportedLocale('en')).toBe('en');
    for (const bad of ['fr', 'ES', 'es-MX', '', 1, null, undefined, {}]) expect(supportedLocale(bad)).toBeNull();
  });

  it('mail lines, digest headings (dates in the language and time zone) and the confirmation mail, in both languages', () => {
    const content = { kind: 'task-due', title: 'Inquilinos unidos', body: '', url: '/w/ws/d/d1' };
    expect(mailText(content, 'Vence mañana: Rent', 'https://m.example', 'ws', 'es')).toBe(
      'Vence mañana: Rent\n\nÁbrelo: https://m.example/w/ws/d/d1\n\n— Mutual, para Inquilinos unidos. Cambia lo que recibes: https://m.example/w/ws/me#notifications\n'
    );
    expect(mailText(content, 'Due tomorrow: Rent', 'https://m.example', 'ws', null)).toContain('Open it: https://m.example/w/ws/d/d1');
    const at = Date.parse('2026-11-30T20:00:00Z');
    expect(digestHeading(['task-due', 'mentioned'], 2, at, 'America/Mexico_City', 'es')).toBe('2 novedades\nDesde el lunes, 30 de noviembre de 2026, 14:00');
    expect(digestHeading(['task-due', 'mentioned'], 2, at, 'UTC', 'en')).toMatch(/^2 updates\nSince Monday, November 30, 2026 at 8:00\sPM$/);
    expect(digestHeading(['mentioned'], 1, at, 'Not/AZone', 'es').split('\n')[0]).toBe('Alguien te menciona en un comentario o un documento');
    expect(confirmMail('Inquilinos', 'https://x/#s', 'es').subject).toBe('Inquilinos: confirma tu correo electrónico');
    expect(confirmMail('Tenants', 'https://x/#s', null).text).toContain('Confirm it: https://x/#s');
  });
});
