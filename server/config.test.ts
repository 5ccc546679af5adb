import { describe, expect, it } from 'vitest';
import { loadConfig, parseDuration } from './config.ts';
import { createLogger } from './log.ts';

describe('operations settings', () => {
  it('reads BACKUP_EVERY as a duration with a unit', () => {
    expect(parseDuration('90s', 'X')).toBe(90_000);
    expect(parseDuration('30m', 'X')).toBe(1_800_000);
    expect(parseDuration('6h', 'X')).toBe(21_600_000);
    expect(parseDuration('1d', 'X')).toBe(86_400_000);
    for (const bad of ['6', '0h', '1w', 'h', '-1d', '1.5h']) expect(() => parseDuration(bad, 'BACKUP_EVERY'), bad).toThrow(/BACKUP_EVERY must be a duration/);
  });

  it('backs up every day, keeping 7, only when BACKUP_DIR is set', () => {
    const none = loadConfig({});
    expect(none.backupDir).toBe('');
    const set = loadConfig({ BACKUP_DIR: 'backups' });
    expect(set.backupDir).toMatch(/\/backups$/);
    expect(set.backupEveryMs).toBe(86_400_000);
    expect(set.backupKeep).toBe(7);
    expect(() => loadConfig({ BACKUP_DIR: 'b', BACKUP_KEEP: '0' })).toThrow(/BACKUP_KEEP must be at least 1/);
    expect(() => loadConfig({ STORE: 'memory', BACKUP_DIR: 'b' })).toThrow(/BACKUP_DIR backs up the SQLite database/);
  });

  it('refuses a short METRICS_TOKEN', () => {
    expect(loadConfig({}).metricsToken).toBe('');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(loadConfig({ METRICS_TOKEN: '0123456789abcdef' }).metricsToken).toBe('0123456789abcdef');
  });

  it('LOG_LEVEL=debug writes debug lines; info leaves them out without building them', () => {
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    const lines: string[] = [];
    createLogger('debug', (l) => lines.push(l)).debug?.('message', { bytes: 3 });
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'debug', event: 'message', bytes: 3 });
    expect(createLogger('info', (l) => lines.push(l)).debug).toBeUndefined();
  });
});

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
