// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { sanitizePastedHtml } from './paste-html.ts';

describe('pasted HTML is cleaned before Lexical reads it', () => {
  it('drops scripts, embeds, event handlers and unsafe URLs', () => {
    const dirty = `
      <h2 onclick="alert(1)">Food run</h2>
      <script>alert(2)</script>
      <p>Bring <b onmouseover="alert(3)">bags</b> <img src="x" onerror="alert(4)"> and
        <a href="javascript:alert(5)">this</a>, <a href=" JaVaScRiPt:alert(6)">that</a>,
        <a href="https://example.org/list" onfocus="alert(7)">the list</a></p>
      <iframe srcdoc="<script>alert(8)</script>"></iframe>
      <svg><script>alert(9)</script></svg>
      <div style="background:url(javascript:alert(10))">styled</div>
      <form action="javascript:alert(11)"><button formaction="javascript:alert(12)">go</button></form>`;
    const clean = sanitizePastedHtml(dirty);
    expect(clean).not.toMatch(/alert|<script|<iframe|<svg|<form|<button|onerror|onclick|onmouseover|onfocus|javascript:/i);
    // Structure and safe links survive.
    expect(clean).toContain('<h2>Food run</h2>');
    expect(clean).toContain('<b>bags</b>');
    expect(clean).toContain('<a href="https://example.org/list">the list</a>');
    expect(clean).toContain('>styled</div>');
  });

  it('keeps what Google Docs and Word put in ordinary text', () => {
    const gdocs = '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><ul><li><span style="font-weight:700">Rent help</span></li></ul></b>';
    const clean = sanitizePastedHtml(gdocs);
    expect(clean).toContain('<ul><li><span style="font-weight:700">Rent help</span></li></ul>');
    expect(clean).not.toContain('<meta');
  });
});
