import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { overwriteGetLocale } from '../paraglide/runtime.js';
import { documentText, exportHtml, exportMarkdown } from '../shared/export/index.ts';
import { diffWords } from '../shared/history/diff.ts';
import { ENGLISH_VERSION_WORDS, VersionReasons, versionTitle } from '../shared/history/versions.ts';
import { createAgendaItem, updateAgendaItem } from '../shared/model/agenda.ts';
import { endMeeting, markAttendance, meetingMinutes, minutesMarkdown, setMeetingRole, startMeeting } from '../shared/model/index.ts';
import { createNeed } from '../shared/model/need.ts';
import { castBallot, closeProposal, createProposal, openProposal } from '../shared/model/proposal.ts';
import { claimTask, createTask } from '../shared/model/task.ts';
import { placeInText } from '../shared/model/test-support.ts';
import { blockWords, minutesWords, versionWords } from './document-words.ts';

const speak = (locale: 'en' | 'es') => overwriteGetLocale(() => locale);
afterEach(() => speak('en'));

const T0 = Date.UTC(2026, 10, 30, 18, 0);
const at = (memberId: string, minutes = 0) => ({ memberId, at: T0 + minutes * 60_000 });
const names: Record<string, string> = { ana: 'Ana', ben: 'Ben', cy: 'Cy' };
const memberName = (id: string) => names[id] ?? id;

function place(doc: Y.Doc, kind: string, id: string): void {
  placeInText(doc, id)[0]!.setAttribute('__blockKind', kind);
}

/** A document with a decided proposal, a claimed task, an urgent ask, an agenda item and a block that cannot be read. */
function fixture(): Y.Doc {
  const doc = new Y.Doc();
  createProposal(doc, { id: 'p1', title: 'Buy a chest freezer', method: 'majority' }, at('ana'));
  openProposal(doc, 'p1', {}, at('ana', 1));
  castBallot(doc, 'p1', { choice: 'yes' }, at('ana', 2));
  castBallot(doc, 'p1', { choice: 'no', reason: 'Too noisy' }, at('cy', 3));
  castBallot(doc, 'p1', { choice: 'yes' }, at('ben', 4));
  closeProposal(doc, 'p1', { statement: 'Ben collects it.' }, at('ana', 5));
  createTask(doc, { id: 't1', title: 'Book the hall', due: '2026-12-10', coLeadWanted: true }, at('ana'));
  claimTask(doc, 't1', at('ben', 6));
  createNeed(doc, { id: 'n1', kind: 'ask', title: 'Lift to the clinic', category: 'transport', urgency: 'urgent', area: 'North side' }, at('cy'));
  createAgendaItem(doc, { id: 'a1', title: 'Saturday rota', kind: 'group-health', owner: 'ana', timebox: 15 }, at('ana'));
  updateAgendaItem(doc, 'a1', { outcome: 'Two more volunteers' }, at('ana', 7));
  for (const [kind, id] of [['proposal', 'p1'], ['task', 't1'], ['need', 'n1'], ['agenda', 'a1'], ['task', 'gone']]) place(doc, kind!, id!);
  return doc;
}

describe("a document's exports in the reader's language", () => {
  it('Spanish labels around what members wrote, which stays as written', () => {
    speak('es');
    expect(documentText(fixture(), { memberName, words: blockWords() }).split('\n')).toEqual([
      '[Propuesta: Buy a chest freezer]',
      '  Método: Mayoría',
      '  Aprobada (cerrada el 2026-11-30 18:05 UTC por Ana)',
      '  2 sí contra 1 no.',
      '  Resultado: Abstención 0, No 1, Sí 2',
      '  Cy: No — “Too noisy”',
      '  Ana: Sí',
      '  Ben: Sí',
      '  Declaración: Ben collects it.',
      '[Tarea: Book the hall]',
      '  La tomó Ben',
      '  Se busca colíder',
      '  Para el 2026-12-10',
      '[Necesidad: Lift to the clinic]',
      '  Estado: abierta',
      '  Categoría: Transporte',
      '  Urgencia: urgente',
      '  Zona: North side',
      '[Punto del orden del día: Saturday rota]',
      '  salud del grupo, 15 min, pendiente',
      '  Responsable: Ana',
      '  Conclusión: Two more volunteers',
      '[Tarea (no se pudo leer)]'
    ]);
  });

  it('Markdown and HTML carry the same Spanish lines; an untitled HTML file is a "Documento"', () => {
    speak('es');
    const md = exportMarkdown(fixture(), { memberName, words: blockWords() });
    expect(md).toContain('> **Tarea: Book the hall**\n> - La tomó Ben\n> - Se busca colíder');
    expect(md).toContain('> **Propuesta: Buy a chest freezer**\n> - Método: Mayoría');
    const html = exportHtml(fixture(), { memberName, words: blockWords(), title: '' });
    expect(html).toContain('<title>Documento</title>');
    expect(html).toContain('<h3>Necesidad: Lift to the clinic</h3>');
    expect(html).toContain('<li>Urgencia: urgente</li>');
  });

  it('English words from the messages are exactly the built-in English (the golden files hold those)', () => {
    speak('en');
    const doc = fixture();
    expect(exportMarkdown(doc, { memberName, words: blockWords() })).toBe(exportMarkdown(doc, { memberName }));
    expect(exportHtml(doc, { memberName, words: blockWords(), title: '' })).toBe(exportHtml(doc, { memberName, title: '' }));
    expect(documentText(doc, { memberName, words: blockWords() })).toBe(documentText(doc, { memberName }));
    expect(documentText(doc, { memberName })).toContain('  group health, 15 min, pending');
  });

  it('"what changed" marks a claim in the reader’s language', () => {
    const doc = fixture();
    const before = new Y.Doc();
    Y.applyUpdate(before, Y.encodeStateAsUpdate(doc));
    createTask(doc, { id: 't2', title: 'Print flyers' }, at('ana', 8));
    place(doc, 'task', 't2');
    claimTask(doc, 't2', at('cy', 9));
    speak('es');
    const added = diffWords(documentText(before, { memberName, words: blockWords() }), documentText(doc, { memberName, words: blockWords() }))
      .filter((p) => p.type === 'added')
      .map((p) => p.text)
      .join('');
    expect(added).toContain('Tarea: Print flyers');
    expect(added).toContain('La tomó Cy');
    expect(added).not.toContain('Claimed');
  });
});

describe('blocks of odd kinds', () => {
  it('a kind Mutual does not know (from a peer) is named as written, never looked up on an object’s prototype', () => {
    speak('es');
    const doc = new Y.Doc();
    place(doc, 'constructor', 'x1');
    place(doc, 'poll', 'x2');
    expect(documentText(doc, { words: blockWords() }).split('\n')).toEqual(['[Constructor (no se pudo leer)]', '[Poll (no se pudo leer)]']);
  });
});

describe("minutes in the reader's language", () => {
  function agenda(): Y.Doc {
    const doc = fixture();
    setMeetingRole(doc, 'facilitator', 'ana', at('ana', 10));
    startMeeting(doc, at('ana', 11));
    markAttendance(doc, ['ana', 'ben'], at('ana', 12));
    endMeeting(doc, at('ana', 70));
    return doc;
  }

  it('Spanish headings and lines; titles and names as written', () => {
    speak('es');
    const words = minutesWords();
    const md = minutesMarkdown(meetingMinutes(agenda(), { memberName, words }).value, { memberName, words });
    expect(md).toContain('Celebrada del 2026-11-30 18:11 UTC al 2026-11-30 19:10 UTC.');
    expect(md).toContain('Facilitación: Ana · Toma de actas: nadie · Control del tiempo: nadie');
    expect(md).toContain('## Asistentes\n\n- Ana\n- Ben');
    expect(md).toContain('### 1. Saturday rota\n\n*Salud del grupo · 15 min · dirigido por Ana*\n\n**Conclusión:** Two more volunteers');
    expect(md).toContain('- **Propuesta: Buy a chest freezer**\n  - Método: Mayoría');
    expect(md).toContain('## Tareas\n\n- Book the hall: la tomó Ben, para el 2026-12-10');
    expect(md).not.toMatch(/Minutes|Attendees|claimed by|Method/);
  });

  it('English words from the messages are exactly the built-in English', () => {
    speak('en');
    const words = minutesWords();
    const minutes = meetingMinutes(agenda(), { memberName, words }).value;
    expect(minutesMarkdown(minutes, { memberName, words })).toBe(minutesMarkdown(meetingMinutes(agenda(), { memberName }).value, { memberName }));
  });
});

describe('version titles', () => {
  it('in Spanish around the name people gave; English from the messages is the built-in English', () => {
    speak('es');
    expect(versionTitle({ reason: 'proposal-closed', name: 'Buy a chest freezer' }, versionWords())).toBe('Propuesta cerrada: Buy a chest freezer');
    expect(versionTitle({ reason: 'auto', name: null }, versionWords())).toBe('Versión automática');
    speak('en');
    for (const reason of VersionReasons) {
      for (const name of [null, 'May meeting']) expect(versionTitle({ reason, name }, versionWords())).toBe(versionTitle({ reason, name }, ENGLISH_VERSION_WORDS));
    }
  });
});
