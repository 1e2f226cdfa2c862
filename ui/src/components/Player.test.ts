import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClipDetail } from '../lib/api';
import { cleanPage, mountOnPage, recordIPC } from '../lib/dom-test';
import { setLanguage } from '../lib/i18n.svelte';
import Player from './Player.svelte';

const CLIP = { id: 7, title: 'x', duration_ms: 60_000, video_codec: 'h264', audio_codec: 'aac', path: '/v/x.mp4', markers: [] } as unknown as ClipDetail;

type Track = { enabled: boolean; language: string; label: string };

/**
 * The player on CLIP with its video bound; given `tracks`, the video has
 * WebKit's audio track list of them (jsdom's video has none).
 */
function mountPlayer(tracks: Track[] = []) {
  recordIPC(() => null);
  mountOnPage(Player, { base: 'http://127.0.0.1:1/s', clip: CLIP, markers: [], startAt: null, onmarker: () => {}, onretime: async () => true, onexternal: () => {} });
  flushSync();
  const video = document.querySelector<HTMLVideoElement>('[data-testid="player"]')!;
  const list = Object.assign(new EventTarget(), { length: tracks.length }, tracks);
  if (tracks.length > 0) Object.defineProperty(video, 'audioTracks', { value: list });
  return { video, list };
}

/** The audio menu's options and the chosen one's value. */
function menu() {
  const select = document.querySelector<HTMLSelectElement>('[data-testid="audio-track"]')!;
  return { options: [...select.options].map((o) => o.textContent), chosen: select.value };
}

describe('Player', () => {
  afterEach(cleanPage);

  it('seeks from the keyboard on its seek bar, which says the time in words a reader reads', () => {
    const { video } = mountPlayer();
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

  it("names a track whose language comes late, and keeps the fan's choice when the tracks are listed again", () => {
    vi.useFakeTimers();
    try {
      // WebKit's list: the Korean track's language is not known yet when it is listed.
      const korean = { enabled: true, language: '', label: '' };
      const english = { enabled: false, language: 'eng', label: '' };
      const { video, list } = mountPlayer([korean, english]);
      video.dispatchEvent(new Event('loadedmetadata'));
      flushSync();
      expect(menu()).toEqual({ options: ['Track 1', 'English'], chosen: '1' });
      expect([korean.enabled, english.enabled]).toEqual([false, true]);

      // The tags arrive with no event; the menu looks again and names it.
      korean.language = 'kor';
      vi.advanceTimersByTime(300);
      flushSync();
      expect(menu()).toEqual({ options: ['Korean', 'English'], chosen: '1' });

      // The fan picks Korean; a track added later lists them again, and Korean stays.
      const select = document.querySelector<HTMLSelectElement>('[data-testid="audio-track"]')!;
      select.value = '0';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      flushSync();
      list.dispatchEvent(new Event('addtrack'));
      flushSync();
      expect(menu().chosen).toBe('0');
      expect([korean.enabled, english.enabled]).toEqual([true, false]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("plays the window's language first, whatever WebKit says the system's is", () => {
    setLanguage('ko');
    try {
      const english = { enabled: true, language: 'eng', label: '' };
      const korean = { enabled: false, language: 'kor', label: '' };
      const { video } = mountPlayer([english, korean]);
      expect(navigator.language).toMatch(/^en/);
      video.dispatchEvent(new Event('loadedmetadata'));
      flushSync();
      expect(menu()).toEqual({ options: ['영어', '한국어'], chosen: '1' });
      expect([english.enabled, korean.enabled]).toEqual([false, true]);
    } finally {
      setLanguage('en');
    }
  });
});
