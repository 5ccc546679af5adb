import type { MutualConfig } from './config.ts';

/** Fields attached to one log line. Never put a token, invite secret or document content here. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A tiny structured logger: one JSON object per line. */
export interface Logger {
  /** Detail for finding a problem (LOG_LEVEL=debug): each sync message's kind and size, timings. */
  debug?(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const rank = { debug: -1, info: 0, warn: 1, error: 2, silent: 3 } as const;
type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Create a logger honouring `level`. `write` receives one complete line (without the
 * newline); tests pass their own to capture lines and check that no secret leaks.
 */
export function createLogger(
  level: MutualConfig['logLevel'],
  write: (line: string) => void = (line) => process.stdout.write(line + '\n')
): Logger {
  const min = rank[level];
  const emit = (lvl: Level, event: string, fields?: LogFields) => {
    if (rank[lvl] < min) return;
    // `time` first so lines sort and read well; fields cannot override level/event.
    write(JSON.stringify({ time: new Date().toISOString(), ...fields, level: lvl, event }));
  };
  return {
    // Absent below debug: `logger.debug?.(…)` then skips building the fields of hot paths.
    debug: min <= rank.debug ? (event, fields) => emit('debug', event, fields) : undefined,
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields)
  };
}

/** Describe an unknown thrown value for a log line (message only, never a stack with data). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
