/**
 * Keyboard for a tablist (WAI-ARIA tabs pattern): the tab a key moves to, or null when the
 * key is not one of them. Left/Right (and Up/Down) wrap around; Home and End go to the ends.
 */
export function tabAfterKey(key: string, current: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return (current + 1) % count;
    case 'ArrowLeft':
    case 'ArrowUp':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
