/**
 * Workspace settings as the API accepts them. They live in the index document's settings
 * map, which only the server writes: a member could otherwise turn off the purge of
 * vulnerable people's contact details (needsRetentionDays) by hand.
 */
import { HttpError } from '../respond.ts';
import { onlyFields, requireName } from '../validate.ts';
import { isPulseCadence, PULSE_CADENCES, type PulseCadence } from '#shared/model/pulse';

/** Bounds of each setting (docs/protocol.md). */
export const SETTING_BOUNDS = Object.freeze({
  workloadNorm: { min: 1, max: 50 },
  needsRetentionDays: { min: 1, max: 365 },
  needsCategories: { max: 40, maxLength: 40 }
});

/** A validated settings patch. */
export interface SettingsPatch {
  name?: string;
  workloadNorm?: number;
  needsRetentionDays?: number;
  needsCategories?: string[];
  pulse?: boolean;
  pulseCadence?: PulseCadence;
  viewersMayComment?: boolean;
}

function wholeNumber(body: Record<string, unknown>, field: 'workloadNorm' | 'needsRetentionDays', label: string): number | undefined {
  if (!(field in body)) return undefined;
  const { min, max } = SETTING_BOUNDS[field];
  const v = body[field];
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw new HttpError(400, `${label} must be a whole number from ${min} to ${max}.`);
  return v as number;
}

function categories(body: Record<string, unknown>): string[] | undefined {
  if (!('needsCategories' in body)) return undefined;
  const { max, maxLength } = SETTING_BOUNDS.needsCategories;
  const v = body.needsCategories;
  if (!Array.isArray(v) || v.length > max) throw new HttpError(400, `Categories are a list of at most ${max} short words.`);
  const out: string[] = [];
  for (const c of v) {
    if (typeof c !== 'string' || c.trim() === '' || c.trim().length > maxLength) throw new HttpError(400, `Each category is a word of 1 to ${maxLength} characters.`);
    const word = c.trim().toLowerCase();
    if (!out.includes(word)) out.push(word);
  }
  return out;
}

/** The group pulse (issue 24): on or off, and its cadence in weeks. */
function pulseFields(body: Record<string, unknown>, patch: SettingsPatch): void {
  if ('pulse' in body) {
    if (typeof body.pulse !== 'boolean') throw new HttpError(400, 'The group pulse is on (true) or off (false).');
    patch.pulse = body.pulse;
  }
  if ('pulseCadence' in body) {
    if (!isPulseCadence(body.pulseCadence)) throw new HttpError(400, `The check-in cadence is ${PULSE_CADENCES.join(', ')} weeks.`);
    patch.pulseCadence = body.pulseCadence;
  }
}

/** Whether viewers may write comments (issue 22). */
function commentFields(body: Record<string, unknown>, patch: SettingsPatch): void {
  if (!('viewersMayComment' in body)) return;
  if (typeof body.viewersMayComment !== 'boolean') throw new HttpError(400, 'Whether viewers may comment is on (true) or off (false).');
  patch.viewersMayComment = body.viewersMayComment;
}

/** Read and validate a settings patch; 400 in plain words for anything else. */
export function readSettingsPatch(body: Record<string, unknown>): SettingsPatch {
  onlyFields(body, ['name', 'workloadNorm', 'needsRetentionDays', 'needsCategories', 'pulse', 'pulseCadence', 'viewersMayComment']);
  const patch: SettingsPatch = {};
  if ('name' in body) patch.name = requireName(body, 'name', 'The workspace name');
  const norm = wholeNumber(body, 'workloadNorm', 'The workload norm');
  if (norm !== undefined) patch.workloadNorm = norm;
  const days = wholeNumber(body, 'needsRetentionDays', 'The number of days contact details are kept');
  if (days !== undefined) patch.needsRetentionDays = days;
  const list = categories(body);
  if (list !== undefined) patch.needsCategories = list;
  pulseFields(body, patch);
  commentFields(body, patch);
  if (Object.keys(patch).length === 0) throw new HttpError(400, 'Nothing to change: send name, workloadNorm, needsRetentionDays, needsCategories, pulse, pulseCadence or viewersMayComment.');
  return patch;
}
