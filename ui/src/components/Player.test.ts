import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClipDetail } from '../lib/api';
import { cleanPage, mountOnPage, recordIPC } from '../lib/dom-test';
import Player from './Player.svelte';

const CLIP = { id: 7, title: 'x', duration_ms: 60_000, video_codec: 'h264', audio_codec: 'aac', path: '/v/x.mp4', markers: [] } as unknown as ClipDetail;

describe('Player', () => {
  afterEach(cleanPage);

  it('seeks from the keyboard on its seek bar, which says the time in words a reader reads', () => {
    recordIPC(() => null);
    mountOnPage(Player, { base: 'http://127.0.0.1:1/s', clip: CLIP, markers: [], startAt: null, onmarker: () => {}, onretime: async () => true, onexternal: () => {} });
    const video = document.querySelector<HTMLVideoElement>('[data-testid="player"]')!;
    let at = 0;
    Object.defineProperty(video, 'currentTime', { get: () => at, set: (value: number) => (at = value) });
    video.dispatchEvent(new Event('loadedmetadata'));
    flushSync();
    const bar = document.querySelector<HTMLElement>('[role="slider"]')!;
    expect(bar.tabIndex).toBe(0);
    // Each press seeks the video; the video then says where it is (timeupdate).
    const press = (key: string, shiftKey = false) => {
      bar.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true }));
      video.dispatchEvent(new Event('timeupdate'));
      flushSync();
    };
    press('ArrowRight');
    expect(at).toBe(5);
    press('ArrowLeft', true);
    expect(at).toBe(4);
    press('End');
    expect(at).toBe(60);
    press('Home');
    expect(at).toBe(0);
    press('ArrowLeft');
    expect(at).toBe(0);
    expect(bar.getAttribute('aria-valuetext')).toBe('0:00');
    press('ArrowUp');
    expect(bar.getAttribute('aria-valuetext')).toBe('0:05');
  });
});
