/** The systems under test and how a raw client reaches one document on each. */
import { hocuspocusDialect, yWebsocketDialect, type Dialect } from './wire.ts';

export const SYSTEMS = ['mutual', 'reference', 'hocuspocus'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export function isSystemName(v: string): v is SystemName {
  return (SYSTEMS as readonly string[]).includes(v);
}

/** Serializable address of a running server (passed to the load generator process). */
export interface TargetSpec {
  system: SystemName;
  port: number;
  /** Mutual only: the workspace created for the bench and a member token of it. */
  workspaceId?: string;
  token?: string;
}

/** Where to open a socket for `docId`, and which framing to speak on it. */
export function connectInfo(t: TargetSpec, docId: string): { url: string; dialect: Dialect } {
  const base = `ws://127.0.0.1:${t.port}`;
  switch (t.system) {
    case 'mutual':
      if (!t.workspaceId || !t.token) throw new Error('a Mutual target needs workspaceId and token');
      return { url: `${base}/sync/${t.workspaceId}/${docId}?token=${encodeURIComponent(t.token)}`, dialect: yWebsocketDialect() };
    case 'reference':
      return { url: `${base}/${docId}`, dialect: yWebsocketDialect() };
    case 'hocuspocus':
      return { url: base, dialect: hocuspocusDialect(docId) };
  }
}
