// Marker edits with a toast that can undo them (the core records each edit
// in the library's history; undoing it is the core's business).

import { commands, type Marker, type MarkerDraft } from './api';
import { m } from './i18n.svelte';
import { app } from './state.svelte';
import { formatTimecode } from './timecode';

/** A marker as a toast names it: its title, or its time. */
export const markerName = (marker: { title: string | null; start_ms: number }) =>
  `"${marker.title ?? formatTimecode(marker.start_ms)}"`;

/** A marker as a draft that writes it back as it is (people and scene by `#id`). */
export function draftOf(marker: Marker): MarkerDraft {
  return {
    start_ms: marker.start_ms,
    end_ms: marker.end_ms,
    title: marker.title,
    scene: marker.scene_id === null ? null : `#${marker.scene_id}`,
    cast: marker.cast.map((c) => ({ person: `#${c.person_id}`, character: c.character })),
    tags: [...marker.tags],
    note: marker.note,
    quote: marker.quote,
  };
}

/** Replaces a marker by `change(its draft)` and says so with an undoable toast; returns it as changed. */
export async function changeMarker(
  marker: Marker,
  change: (draft: MarkerDraft) => MarkerDraft,
  toast: (changed: Marker) => string,
): Promise<Marker> {
  const changed = await commands.updateMarker({ id: marker.id, marker: change(draftOf(marker)) });
  void app.done(toast(changed));
  return changed;
}

/** Deletes a marker (or a chapter: the toast calls it so), with an undoable toast. */
export async function deleteMarker(marker: Marker, kind: 'marker' | 'chapter' = 'marker') {
  await commands.deleteMarker({ id: marker.id });
  const name = markerName(marker);
  void app.done(kind === 'chapter' ? m.chapter_deleted({ name }) : m.marker_deleted({ name }));
}
