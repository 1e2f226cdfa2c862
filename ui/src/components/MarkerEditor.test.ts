import { afterEach, describe, expect, it } from 'vitest';
import { LAST_EDIT, byTestId, cleanPage, click, fill, mountOnPage, recordIPC, settle } from '../lib/dom-test';
import type { ClipDetail, Marker } from '../lib/api';
import { app } from '../lib/state.svelte';
import MarkerEditor from './MarkerEditor.svelte';

const save = () => click('marker-save');

const CLIP = { id: 7, show_id: 1, markers: [] } as unknown as ClipDetail;

const FAREWELL: Marker = {
  id: 40,
  clip_id: 7,
  start_ms: 8_040,
  end_ms: 11_000,
  title: 'Tearful farewell',
  scene_id: null,
  scene: null,
  cast: [
    { person_id: 1, person: 'Kim Yoo Jung', role_id: 3, character: 'Hong Chun Gi' },
    { person_id: 2, person: 'Choi Kwang Il', role_id: null, character: 'Father' },
  ],
  tags: ['mood:emotional'],
  note: null,
  quote: "I'm okay.",
  created_at: '2026-11-25T00:00:00Z',
};

/** A fake backend that records what the form sends. */
function backend() {
  return recordIPC((command, a) => {
    switch (command) {
      case 'add_marker':
        return { ...FAREWELL, id: 41, ...a.marker };
      case 'update_marker':
        return { ...FAREWELL, ...a.marker };
      case 'marker_draft':
        return { start_ms: 8_040, end_ms: 11_000, title: 'Tearful farewell', scene: null, cast: [], tags: [], note: null, quote: null };
      case 'suggest':
        return [];
      default:
        return null;
    }
  });
}

describe('MarkerEditor', () => {
  let closed = 0;
  const open = (props: { marker: Marker | null; start: number; end: number | null }) => {
    mountOnPage(MarkerEditor, { clip: CLIP, ...props, onclose: () => closed++ });
  };
  afterEach(() => {
    cleanPage();
    closed = 0;
  });

  it('adds a marker from the in and out points, and the add can be undone', async () => {
    const calls = backend();
    open({ marker: null, start: 1_000, end: 3_000 });
    await settle();
    expect(byTestId<HTMLInputElement>('marker-from').value).toBe('0:01');
    expect(byTestId<HTMLInputElement>('marker-to').value).toBe('0:03');
    fill('marker-title', 'Sealing ceremony action');
    fill('marker-to', '0:03.5');
    await settle();
    save();
    await settle();
    const added = calls.find(([c]) => c === 'add_marker')![1];
    expect(added.clip_id).toBe(7);
    expect(added.marker).toMatchObject({ start_ms: 1_000, end_ms: 3_500, title: 'Sealing ceremony action', cast: [], tags: [] });
    expect(closed).toBe(1);
    expect(app.toasts.at(-1)).toMatchObject({ text: 'Added marker "Sealing ceremony action"', edit: LAST_EDIT.id });
    await app.undo(LAST_EDIT.id);
    expect(calls.at(-1)).toEqual(['undo', { edit_id: LAST_EDIT.id }]);
    expect(calls.filter(([c]) => c === 'delete_marker')).toEqual([]);
  });

  it('keeps exact times and credits as they were when only the title changes', async () => {
    const calls = backend();
    open({ marker: FAREWELL, start: 0, end: null });
    await settle();
    // 8.04 s shows as 0:08 (tenths); saving must not round it.
    expect(byTestId<HTMLInputElement>('marker-from').value).toBe('0:08');
    fill('marker-title', 'The farewell');
    await settle();
    save();
    await settle();
    const update = calls.find(([c]) => c === 'update_marker')![1];
    expect(update.id).toBe(40);
    expect(update.marker).toMatchObject({
      start_ms: 8_040,
      end_ms: 11_000,
      title: 'The farewell',
      // A credit through a role follows the role; a typed character stays typed.
      cast: [
        { person: 'Kim Yoo Jung', character: null },
        { person: 'Choi Kwang Il', character: 'Father' },
      ],
      tags: ['mood:emotional'],
      quote: "I'm okay.",
    });
  });

  it('names a wrong time and saves nothing', async () => {
    const calls = backend();
    open({ marker: null, start: 5_000, end: null });
    await settle();
    fill('marker-to', 'soon');
    await settle();
    save();
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('To: "soon" is not a time (like 1:23, 1:23.5 or 83.5)');
    fill('marker-to', '0:04');
    await settle();
    save();
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('To: 0:04 is before the start (0:05)');
    expect(calls.filter(([c]) => c === 'add_marker')).toEqual([]);
    expect(closed).toBe(0);
  });
});
