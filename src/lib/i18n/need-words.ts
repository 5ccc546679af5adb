/**
 * A need's category in the chosen language: the one word of words.ts a block view on the
 * document page's first paint reads, apart from the rest (issue 25; words.ts re-exports it).
 */
import { m } from '../paraglide/messages.js';
import { categoryLabel, type NeedCategory } from '../shared/model/need.ts';

const CATEGORIES: Record<NeedCategory, () => string> = {
  food: m.need_category_food,
  clothing: m.need_category_clothing,
  housing: m.need_category_housing,
  transport: m.need_category_transport,
  childcare: m.need_category_childcare,
  money: m.need_category_money,
  medical: m.need_category_medical,
  other: m.need_category_other
};

/** A need's category: a suggested one in the chosen language; a group's own word as written ("Bikes"). */
export function needCategoryName(category: string): string {
  return Object.hasOwn(CATEGORIES, category) ? CATEGORIES[category as NeedCategory]() : categoryLabel(category);
}
