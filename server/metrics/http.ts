/**
 * GET /metrics: the Prometheus text, for a scraper that sends `Authorization: Bearer
 * <METRICS_TOKEN>`. Without METRICS_TOKEN the address does not exist (404); a missing or
 * wrong token gets 401. The token is never accepted in the URL (it would end up in logs).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage, type Logger } from '../log.ts';
import { sendError } from '../http/respond.ts';
import type { Metrics } from './metrics.ts';

export const METRICS_PATH = '/metrics';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request carries the token (compared in constant time). */
function authorised(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]), digest(token));
}

/** The /metrics handler; returns false for other paths. `metrics` is null when METRICS_TOKEN is unset. */
export function createMetricsHandler(metrics: Metrics | null, token: string, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if ((req.url ?? '/').split('?')[0] !== METRICS_PATH) return false;
    if (!metrics || !token) {
      sendError(res, 404, 'There is nothing at this address (set METRICS_TOKEN to turn metrics on).');
      return true;
    }
    if (!authorised(req, token)) {
      sendError(res, 401, 'Metrics need the token set in METRICS_TOKEN, sent as "Authorization: Bearer <token>".', { 'www-authenticate': 'Bearer realm="metrics"' });
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'Use GET for this address.', { allow: 'GET' });
      return true;
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        logger.error('metrics-failed', { error: errorMessage(err) });
        sendError(res, 500, 'The metrics could not be collected.');
      }
    );
    return true;
  };
}
