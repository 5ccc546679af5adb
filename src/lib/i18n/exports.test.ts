import { afterEach, describe, expect, it } from 'vitest';
import { decisionLogCsv, decisionLogMarkdown, type DecisionLogEntry } from '../shared/model/decision-log.ts';
import { explain, part } from '../shared/model/methods/reasons.ts';
import { overwriteGetLocale } from '../paraglide/runtime.js';
import { decisionLogWords } from './exports.ts';

const speak = (locale: 'en' | 'es') => overwriteGetLocale(() => locale);
afterEach(() => speak('en'));

const entry: DecisionLogEntry = {
  docId: 'd1',
  docTitle: 'Pantry',
  proposalId: 'p1',
  title: 'Buy a chest freezer',
  method: 'majority',
  methodLabel: 'Majority',
  closedAt: Date.parse('2026-11-30T18:00:00Z'),
  closedBy: 'ana',
  passed: true,
  winner: null,
  result: 'Passed',
  ...explain(part('result_yes_to_no', { yes: 2, no: 1 })),
  statement: 'Ben collects it.',
  counted: 3,
  ballots: [{ memberId: 'cy', choice: 'No', choiceId: 'no', reason: 'Too noisy', blocking: false }],
  reviewDate: '2027-01-15',
  followUpTasks: 1,
  secret: false,
  totals: null
};
/** The same decision made by secret ballot (issue 24): totals, never anyone's ballot. */
const secretEntry: DecisionLogEntry = { ...entry, ballots: [], secret: true, totals: 'Yes 2, No 1' };
const options = { workspaceName: 'Eastside', linkOf: (id: string) => `https://m.example/w/ws/d/${id}`, exportedAt: Date.parse('2026-12-01T00:00:00Z'), memberName: (id: string) => id.toUpperCase() };

describe('decision log exports in the chosen language', () => {
  it('Spanish headings and Mutual’s words; members’ words as written', () => {
    speak('es');
    const md = decisionLogMarkdown([entry], { ...options, words: decisionLogWords() });
    expect(md).toBe(
      [
        '# Decisiones — Eastside',
        '',
        'Exportado el 2026-12-01 00:00 UTC · 1 decisión',
        '',
        '## Buy a chest freezer',
        '',
        '- **Decidida:** 2026-11-30 18:00 UTC',
        '- **Método:** Mayoría',
        '- **Resultado:** Aprobada — 2 sí contra 1 no.',
        '- **Votos contados:** 3',
        '  - CY: No — “Too noisy”',
        '- **Documento:** [Pantry](https://m.example/w/ws/d/d1)',
        '- **Revisar el:** 2027-01-15',
        '- **Tareas de seguimiento:** 1',
        '',
        '> Ben collects it.',
        ''
      ].join('\n')
    );
  });

  it('English words from the messages are the built-in English export; the CSV header never changes', () => {
    speak('en');
    expect(decisionLogMarkdown([entry], { ...options, words: decisionLogWords() })).toBe(decisionLogMarkdown([entry], options));
    expect(decisionLogCsv([entry], { ...options, words: decisionLogWords() })).toBe(decisionLogCsv([entry], options));
    speak('es');
    const [header, row] = decisionLogCsv([entry], { ...options, words: decisionLogWords() }).split('\r\n');
    expect(header).toBe(decisionLogCsv([], options).trimEnd());
    expect(row).toContain(',Mayoría,Aprobada,2 sí contra 1 no.,Ben collects it.,3,');
    expect(row).toContain('CY: No — “Too noisy”');
  });

  it('a secret ballot says so with its totals, in the chosen language, in Markdown and CSV alike', () => {
    speak('en');
    expect(decisionLogMarkdown([secretEntry], { ...options, words: decisionLogWords() })).toBe(decisionLogMarkdown([secretEntry], options));
    expect(decisionLogMarkdown([secretEntry], options)).toContain('- Secret ballot — totals: Yes 2, No 1. How each person voted is not recorded.');
    speak('es');
    expect(decisionLogMarkdown([secretEntry], { ...options, words: decisionLogWords() })).toContain('- Votación secreta — totales: Yes 2, No 1. No se guarda cómo votó cada persona.');
    const row = decisionLogCsv([secretEntry], { ...options, words: decisionLogWords() }).split('\r\n')[1]!;
    expect(row).toContain('Votación secreta — totales: Yes 2, No 1.');
    expect(row).not.toContain('CY');
  });
});
