// Marker edits the toast (or Ctrl+Z) can undo exactly: the marker's draft is
// read before a change and written back to undo it; a deleted marker's draft
// brings it back.

import { commands, type Marker, type MarkerDraft } from './api';
import { app } from './state.svelte';
import { formatTimecode } from './timecode';

/** A marker as a toast names it: its title, or its time. */
export const markerName = (marker: { title: string | null; start_ms: number }) =>
  `"${marker.title ?? formatTimecode(marker.start_ms)}"`;

/** Replaces a marker by `change(its draft)`, undoably; returns it as changed. */
export async function changeMarker(
  id: number,
  change: (draft: MarkerDraft) => MarkerDraft,
  toast: (changed: Marker) => string,
): Promise<Marker> {
  const before = await commands.markerDraft({ id });
  const changed = await commands.updateMarker({ id, marker: change(before) });
  app.done(toast(changed), () => commands.updateMarker({ id, marker: before }));
  return changed;
}

/** Deletes a marker (`what`: how the toast calls it), undoably. */
export async function deleteMarker(clipId: number, marker: Marker, what = 'marker') {
  const saved = await commands.deleteMarker({ id: marker.id });
  app.done(`Deleted ${what} ${markerName(marker)}`, () => commands.addMarker({ clip_id: clipId, marker: saved }));
}
