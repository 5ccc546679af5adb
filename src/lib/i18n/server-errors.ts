/**
 * The server's refusals in the person's language: sync refusals by their close code
 * (4400–4499), and HTTP errors by their stable `code` (src/lib/shared/error-codes.ts) through
 * http-errors.ts, loaded when a request fails.
 */
import { m } from '../paraglide/messages.js';
import { CloseCode, DEVICE_REVOKED_MESSAGE, DEVICE_REVOKED_REASON } from '../shared/protocol.ts';

/**
 * The sentence for an HTTP error answer (`status` and its parsed JSON body, if any), its words
 * loaded with it (http-errors.ts). Should they fail to load (offline before the service worker
 * cached them), the server's own sentence, or the status.
 */
export async function serverErrorTextOf(status: number, body: unknown): Promise<string> {
  try {
    return (await import('./http-errors.ts')).serverErrorText(status, body);
  } catch {
    const said = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    return typeof said === 'string' && said ? said : m.error_server_answered({ status });
  }
}

/** The sentence for a sync refusal or close (`code`, and the relay's own reason). */
export function closeCodeText(code: number, serverReason = ''): string {
  switch (code) {
    case CloseCode.badRequest:
      return m.close_bad_request();
    case CloseCode.unauthorized:
      return serverReason === DEVICE_REVOKED_REASON ? m.close_device_removed() : m.close_unauthorized();
    case CloseCode.forbidden:
      return m.close_forbidden();
    case CloseCode.tooLarge:
      return m.close_too_large();
    case CloseCode.changeRefused:
      return serverReason ? `${m.close_change_refused()} ${m.close_it_said({ reason: serverReason })}` : m.close_change_refused();
    case CloseCode.rateLimited:
      return m.close_rate_limited();
    default:
      return m.close_other();
  }
}

/**
 * A refusal kept on the device ({code, reason}: the reason was written in English when it
 * happened, perhaps quoting the relay) in the chosen language.
 */
export function refusalText(refusal: { code: number; reason: string } | null | undefined): string {
  if (!refusal) return '';
  if (refusal.reason === DEVICE_REVOKED_MESSAGE) return closeCodeText(CloseCode.unauthorized, DEVICE_REVOKED_REASON);
  const quoted = /It said: “(.*)”\.$/s.exec(refusal.reason)?.[1] ?? '';
  return closeCodeText(refusal.code, quoted);
}
