import { describe, expect, it } from 'vitest';
import { CONVERTED_TYPE, STALL_MS, clipUrl, codecLabel, pictureAspect, planPlayback, stalledText, watchdog, type Sample, type Watch } from './playback';

/** A web view that decodes what `decodes` lists (codec strings or containers). */
function webView(...decodes: string[]) {
  return (type: string) => {
    const codecs = /codecs="([^"]+)"/.exec(type)?.[1].split(/,\s*/) ?? [];
    return codecs.every((c) => decodes.some((d) => c.startsWith(d))) ? 'probably' : '';
  };
}

const clip = (path: string, video_codec: string | null, audio_codec: string | null) => ({ path, video_codec, audio_codec });

describe('planPlayback', () => {
  it('plays a clip directly when the window decodes both its codecs', () => {
    expect(planPlayback(clip('/a/x.webm', 'vp9', 'opus'), webView('vp09', 'opus'))).toEqual({ mode: 'direct', sure: true });
  });

  it('converts a clip whose video the window cannot decode, naming the codec', () => {
    expect(planPlayback(clip('/a/x.mp4', 'av1', 'aac'), webView('avc1', 'mp4a'))).toEqual({ mode: 'convert', codec: 'av1' });
  });

  it('converts for sound alone too', () => {
    expect(planPlayback(clip('/a/x.mkv', 'h264', 'ac3'), webView('avc1', 'mp4a'))).toEqual({ mode: 'convert', codec: 'ac3' });
  });

  it('says nothing can play it when even the converted stream would not decode', () => {
    expect(planPlayback(clip('/a/x.mp4', 'av1', 'aac'), webView())).toEqual({ mode: 'none', codec: 'av1' });
  });

  it('tries a codec it cannot ask about directly, unsure', () => {
    expect(planPlayback(clip('/a/x.avi', 'mpeg4', 'mp3'), webView('mp4a'))).toEqual({ mode: 'direct', sure: false });
  });

  it('asks a codec in another container when its own is not listed with codecs', () => {
    // A web view that answers only for MP4 and WebM (Matroska is played, not listed).
    const view = (type: string) => (type.startsWith('video/x-matroska') ? '' : webView('avc1', 'mp4a')(type));
    expect(planPlayback(clip('/a/x.mkv', 'h264', 'aac'), view)).toEqual({ mode: 'direct', sure: true });
  });

  it('the converted type is H.264 with AAC', () => {
    expect(webView('avc1', 'mp4a')(CONVERTED_TYPE)).toBe('probably');
  });
});

describe('the player text', () => {
  it('names codecs the way fans read them', () => {
    expect(codecLabel('av1')).toBe('AV1');
    expect(codecLabel('h264')).toBe('H.264');
    expect(codecLabel('prores')).toBe('PRORES');
    expect(codecLabel(null)).toBe('an unknown codec');
  });

  it('a stalled player names the video and sound codecs', () => {
    expect(stalledText(clip('/a/x.webm', 'av1', 'opus'), false)).toMatch(/AV1 with Opus sound.*no picture/);
    expect(stalledText(clip('/a/x.webm', 'av1', 'opus'), false, 'failed')).toMatch(/could not read or decode .*AV1/);
    expect(stalledText(clip('/a/x.webm', 'av1', null), true)).toMatch(/converted copy .*AV1\)/);
  });

  it('builds the direct and converted URLs', () => {
    expect(clipUrl('http://127.0.0.1:1/s', 7, false)).toBe('http://127.0.0.1:1/s/clip/7/video');
    expect(clipUrl('http://127.0.0.1:1/s', 7, true, 12.3456)).toBe('http://127.0.0.1:1/s/clip/7/converted?t=12.346');
    expect(clipUrl('http://127.0.0.1:1/s', 7, true, -1)).toBe('http://127.0.0.1:1/s/clip/7/converted?t=0.000');
  });
});

describe('the watchdog', () => {
  /** Runs samples half a second apart from t=0; returns when (ms) it first said stalled, or null. */
  function run(samples: Sample[]): number | null {
    let watch: Watch = { lastTime: -1, lastProgress: 0 };
    for (let i = 0; i < samples.length; i++) {
      const looked = watchdog(watch, samples[i], i * 500);
      watch = looked.watch;
      if (looked.stalled) return i * 500;
    }
    return null;
  }
  const still = (n: number, s: Partial<Sample>): Sample[] => Array.from({ length: n }, () => ({ readyState: 4, paused: false, ended: false, currentTime: 0, ...s }));

  it('speaks after STALL_MS when no metadata ever comes', () => {
    expect(run(still(20, { readyState: 0, paused: true }))).toBe(STALL_MS);
  });

  it('speaks when playing and the time stands still', () => {
    expect(run(still(20, { currentTime: 0 }))).toBe(STALL_MS);
  });

  it('stays quiet while the time moves, while paused, and at the end', () => {
    const moving = Array.from({ length: 20 }, (_, i) => ({ readyState: 4, paused: false, ended: false, currentTime: i * 0.5 }));
    expect(run(moving)).toBeNull();
    expect(run(still(20, { paused: true, readyState: 1 }))).toBeNull();
    expect(run(still(20, { ended: true }))).toBeNull();
  });

  it('a short wait for data is not a stall', () => {
    const samples = [...still(6, { currentTime: 1 }), ...Array.from({ length: 14 }, (_, i) => ({ readyState: 4, paused: false, ended: false, currentTime: 1 + i }))];
    expect(run(samples)).toBeNull();
  });
});

describe('pictureAspect', () => {
  it('is the clip\'s own shape, upright when turned, and 16 / 9 when unknown', () => {
    expect(pictureAspect({ width: 1280, height: 720, rotation: null })).toBe('1280 / 720');
    expect(pictureAspect({ width: 1920, height: 1080, rotation: 90 })).toBe('1080 / 1920');
    expect(pictureAspect({ width: 1920, height: 1080, rotation: -90 })).toBe('1080 / 1920');
    expect(pictureAspect({ width: 640, height: 480, rotation: 180 })).toBe('640 / 480');
    expect(pictureAspect({ width: null, height: 720 })).toBe('16 / 9');
    expect(pictureAspect({})).toBe('16 / 9');
  });
});
