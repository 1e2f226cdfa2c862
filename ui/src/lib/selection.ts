// Picking clips for a bulk edit the way file managers do: Ctrl/Cmd-click
// toggles one, Shift-click takes the range from the last one picked.

export type Pick = { ctrl: boolean; shift: boolean };

/** The new selection after a click on `ids[index]`, given the anchor of the last plain pick. */
export function pickClip(selection: number[], ids: number[], index: number, anchor: number | null, how: Pick): number[] {
  const id = ids[index];
  if (how.shift && anchor !== null) {
    const [from, to] = anchor <= index ? [anchor, index] : [index, anchor];
    const range = ids.slice(from, to + 1);
    return [...selection, ...range.filter((r) => !selection.includes(r))];
  }
  return selection.includes(id) ? selection.filter((s) => s !== id) : [...selection, id];
}
