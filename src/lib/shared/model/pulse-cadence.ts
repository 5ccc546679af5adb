/**
 * How often a group checks in (issue 24), apart from the rest of the pulse: the workspace's
 * settings read it, and they are read on every page, while the pulse itself loads only where
 * it shows (the document page's first paint does not carry it: issue 25).
 */

/** Check-in cadences a group may choose, in weeks. */
export const PULSE_CADENCES = [1, 2, 4] as const;
export type PulseCadence = (typeof PULSE_CADENCES)[number];
export const DEFAULT_PULSE_CADENCE: PulseCadence = 1;

/** True when `value` is one of the cadences a group may choose. */
export function isPulseCadence(value: unknown): value is PulseCadence {
  return (PULSE_CADENCES as readonly unknown[]).includes(value);
}
