/**
 * Email (issue 19), optional: with SMTP_URL and MAIL_FROM set, members may add an address
 * (confirmed by a link) for reminders and digests. nodemailer speaks SMTP; every mail has a
 * Message-ID derived from what it is about, so a mail sent twice after a crash between
 * sending and recording is recognisably the same mail.
 */
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** What the mail is about (an outbox row's event and member); gives the Message-ID. */
  idempotencyKey: string;
}

export type MailResult = { ok: true } | { ok: false; retry: boolean; error: string };

export interface Mailer {
  send(mail: Mail): Promise<MailResult>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

export function createMailer({ smtpUrl, from, timeoutMs }: MailerOptions): Mailer {
  // Timeouts ride in the URL's query (nodemailer reads options from it), so a hung server is given up on.
  const url = new URL(smtpUrl);
  for (const name of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) if (!url.searchParams.has(name)) url.searchParams.set(name, String(timeoutMs));
  const transport = nodemailer.createTransport(url.toString());
  const domain = from.includes('@') ? from.slice(from.lastIndexOf('@') + 1).replace(/[>\s]/g, '') : 'mutual.invalid';
  return {
    async send(mail) {
      const id = crypto.createHash('sha256').update(mail.idempotencyKey).digest('hex').slice(0, 40);
      try {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, messageId: `<${id}@${domain}>` });
        return { ok: true };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx: the server refuses this mail for good (no such mailbox…); anything else may pass later.
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        return { ok: false, retry: !permanent, error: `the mail server ${permanent ? 'refused' : 'could not take'} the mail (${err instanceof Error ? err.message : String(err)})` };
      }
    },
    close() {
      transport.close();
    }
  };
}
