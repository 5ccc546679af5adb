/**
 * Numbers and times in the chosen language, with Intl (no messages needed: every browser
 * knows "in 3 hours" / "dentro de 3 horas" and "5 minutes ago" / "hace 5 minutos").
 */
import { getLocale } from '../paraglide/runtime.js';

/** "in 3 hours" — always with the number, as Mutual has always said it. */
export function inTime(n: number, unit: Intl.RelativeTimeFormatUnit): string {
  return new Intl.RelativeTimeFormat(getLocale(), { numeric: 'always' }).format(n, unit);
}

/** "5 minutes ago". */
export function timeAgo(n: number, unit: Intl.RelativeTimeFormatUnit): string {
  return new Intl.RelativeTimeFormat(getLocale(), { numeric: 'always' }).format(-n, unit);
}
