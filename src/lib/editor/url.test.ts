import { describe, expect, it } from 'vitest';
import { sanitizeUrl } from './url.ts';

describe('sanitizeUrl', () => {
  it('keeps http, https, mailto and tel links', () => {
    expect(sanitizeUrl('https://example.org/a?b=1')).toBe('https://example.org/a?b=1');
    expect(sanitizeUrl('http://example.org')).toBe('http://example.org/');
    expect(sanitizeUrl('mailto:group@example.org')).toBe('mailto:group@example.org');
    expect(sanitizeUrl('tel:+441234567890')).toBe('tel:+441234567890');
  });

  it('completes bare addresses people type', () => {
    expect(sanitizeUrl('example.org/page')).toBe('https://example.org/page');
    expect(sanitizeUrl('someone@example.org')).toBe('mailto:someone@example.org');
  });

  it('refuses script and other schemes, however disguised', () => {
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', ' java\tscript:alert(1)', 'java\nscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', 'file:///etc/passwd', '']) {
      expect(sanitizeUrl(bad), bad).toBeNull();
    }
  });

  it('refuses relative paths and nonsense', () => {
    expect(sanitizeUrl('/admin')).toBeNull();
    expect(sanitizeUrl('#top')).toBeNull();
    expect(sanitizeUrl('not a url')).toBeNull();
  });
});
