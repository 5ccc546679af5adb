/** Helpers shared by the option methods (score, ranked choice). */
import type { MethodConfig } from './types';

/** A problem with a proposal's option list, or null: at least two options, unique ids. */
export function checkOptions(config: MethodConfig): string | null {
  if (config.options.length < 2) return 'Choosing among options needs at least two options.';
  const ids = new Set(config.options.map((o) => o.id));
  if (ids.size !== config.options.length) return 'Two options share the same id.';
  return null;
}

/** Labels for the explanation text (falls back to the id). */
export function labelsOf(config: MethodConfig, ids: readonly string[]): string {
  const byId = new Map(config.options.map((o) => [o.id, o.label || o.id]));
  return ids.map((id) => `"${byId.get(id) ?? id}"`).join(', ');
}
