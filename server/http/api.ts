import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthError } from '../auth/auth.ts';
import { errorMessage } from '../log.ts';
import { ApiContext, type ApiOptions, type Route } from './context.ts';
import { HttpError, sendError, sendJson } from './respond.ts';
import { deviceRoutes } from './routes/devices.ts';
import { memberRoutes } from './routes/members.ts';
import { workspaceRoutes } from './routes/workspaces.ts';

export type { ApiOptions } from './context.ts';

/**
 * The contract's HTTP API (plus extensions). Returns a request handler that answers
 * /api/* and /healthz and returns false for anything else.
 */
export function createApi(opts: ApiOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { logger } = opts;
  const ctx = new ApiContext(opts);
  const routes: Route[] = [
    ...workspaceRoutes(ctx),
    ...memberRoutes(ctx),
    ...deviceRoutes(ctx),
    {
      // The relay's clock, so devices can agree on a meeting's countdown despite their own
      // clocks (issue 11): a device samples this and corrects by half the round trip.
      method: 'GET',
      pattern: ['api', 'time'],
      handler: async (_req, res) => sendJson(res, 200, { now: Date.now() })
    },
    {
      method: 'GET',
      pattern: ['healthz'],
      handler: async (_req, res) => sendJson(res, 200, { ok: true })
    }
  ];

  const dispatch = async (req: IncomingMessage, res: ServerResponse, segments: string[]) => {
    const allowed: string[] = [];
    for (const route of routes) {
      if (route.pattern.length !== segments.length) continue;
      const params: string[] = [];
      if (!route.pattern.every((p, i) => (p === ':' ? (params.push(segments[i]), true) : p === segments[i]))) continue;
      if (route.method === req.method || (route.method === 'GET' && req.method === 'HEAD')) return route.handler(req, res, params);
      allowed.push(route.method);
    }
    if (allowed.length > 0) throw new HttpError(405, `Use ${allowed.join(' or ')} for this address.`, { allow: allowed.join(', ') });
    throw new HttpError(404, 'There is nothing at this address.');
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && !path.startsWith('/api/') && path !== '/api') return false;
    const segments = path.split('/').filter((s) => s !== '').map(safeDecode);
    dispatch(req, res, segments).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.message, err.headers, err.code);
      if (err instanceof AuthError) {
        const status = { unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, gone: 410 }[err.kind];
        return sendError(res, status, err.message, {}, err.code);
      }
      logger.error('http-error', { method: req.method, path: routeLabel(segments), error: errorMessage(err) });
      sendError(res, 500, 'Something went wrong on the server. Please try again.');
    });
    return true;
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // invalid escapes become an invalid id → 400
  }
}

/** A path for logs without ids' values beyond their shape (ids are not secret, but keep lines short). */
function routeLabel(segments: string[]): string {
  return '/' + segments.slice(0, 4).join('/');
}
