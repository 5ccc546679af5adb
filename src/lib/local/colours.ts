/** Members' colours (workspaces.ts re-exports them). */

/** Cursor and avatar colours with enough contrast on white and dark text. */
export const MEMBER_COLOURS = [
  '#d1495b', '#00798c', '#edae49', '#30638e', '#6a4c93', '#2a9d8f',
  '#e76f51', '#3d5a80', '#8ab17d', '#b5838d', '#457b9d', '#c1666b'
] as const;

/** A stable default colour for a member (the same on every device). */
export function colourFor(memberId: string): string {
  let hash = 0;
  for (const char of memberId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return MEMBER_COLOURS[hash % MEMBER_COLOURS.length];
}
