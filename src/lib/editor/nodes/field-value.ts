/**
 * `use:fieldValue={text}` shows `text` in an input as `value={text}` does, without the event
 * that costs. Setting an input's `value` property moves its caret, and Chromium fires a
 * `selectionchange` event for every field so set: opening a document of 750 blocks queued 750
 * events, each run through the editor's document-wide selection listener while the page was
 * opening (issue 25). The first value goes in as the field's default (the `value` attribute),
 * which fires nothing; later changes (a peer's rename) set the property, as `value=` would.
 */
export function fieldValue(node: HTMLInputElement, value: string | number | null | undefined) {
  let last = show(value);
  node.defaultValue = last;
  return {
    update(next: string | number | null | undefined) {
      const text = show(next);
      if (text === last) return;
      last = text;
      if (node.value !== text) node.value = text;
    }
  };
}

function show(value: string | number | null | undefined): string {
  return value == null ? '' : String(value);
}
