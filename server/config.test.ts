import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('notification settings (issue 19)', () => {
  it('without SMTP_URL there is no email; the VAPID contact falls back to a placeholder', () => {
    const c = loadConfig({});
    expect([c.smtpUrl, c.mailFrom, c.vapidSubject, c.notifyIntervalMs, c.pushAllowHttp]).toEqual(['', '', 'mailto:mutual@example.invalid', 15_000, false]);
  });

  it('SMTP needs a sender and the public origin (links in mails), and becomes the VAPID contact', () => {
    const smtp = { SMTP_URL: 'smtps://u:p@mail.example.org', PUBLIC_ORIGIN: 'https://mutual.example.org' };
    expect(() => loadConfig(smtp)).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ SMTP_URL: smtp.SMTP_URL, MAIL_FROM: 'm@example.org' })).toThrow(/PUBLIC_ORIGIN/);
    expect(() => loadConfig({ ...smtp, SMTP_URL: 'http://mail', MAIL_FROM: 'm@example.org' })).toThrow(/smtp:\/\//);
    expect(loadConfig({ ...smtp, MAIL_FROM: 'Mutual <mutual@example.org>' }).vapidSubject).toBe('mailto:mutual@example.org');
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://mutual.example.org' }).vapidSubject).toBe('https://mutual.example.org');
    expect(() => loadConfig({ VAPID_SUBJECT: 'ftp://x' })).toThrow(/VAPID_SUBJECT/);
  });
});
