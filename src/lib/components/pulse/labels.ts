/**
 * The words of the group pulse's questions and scale steps (issue 24), in the device's
 * language: one place, so the check-in, the member's history and the group's totals say
 * the same thing.
 */
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { PulseQuestion } from '$lib/shared/model';

/** The question, as asked. */
export function questionText(q: PulseQuestion): string {
  return q === 'energy' ? m.pulse_energy_question() : q === 'workload' ? m.pulse_workload_question() : m.pulse_connection_question();
}

const STEP_TEXT: Record<string, () => string> = {
  low: () => m.pulse_energy_low(),
  steady: () => m.pulse_energy_steady(),
  high: () => m.pulse_energy_high(),
  stretched: () => m.pulse_workload_stretched(),
  full: () => m.pulse_workload_full(),
  room: () => m.pulse_workload_room(),
  apart: () => m.pulse_connection_apart(),
  somewhat: () => m.pulse_connection_somewhat(),
  close: () => m.pulse_connection_close()
};

/** A step of a scale, as the member chose it. */
export function stepText(step: string): string {
  return STEP_TEXT[step]?.() ?? step;
}

/** "Nov 30": the first day of a period, short. */
export function periodDate(period: string): string {
  return new Date(`${period}T12:00:00`).toLocaleDateString(getLocale(), { day: 'numeric', month: 'short' });
}

/** "every week", "every 2 weeks". */
export function cadenceText(weeks: number): string {
  return weeks === 1 ? m.pulse_cadence_weekly() : m.pulse_cadence_weeks({ count: weeks });
}
