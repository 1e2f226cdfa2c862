// How a clip is played in this window: straight from its file when the web
// view can decode its codecs, else as a converted stream from the media server
// (H.264/AAC, made by ffmpeg as it plays), else not at all — and what the
// player says then. The web view answers `canPlayType` from the decoders
// GStreamer has, so asking it is how the window "reports what it can play".

import { m } from './i18n.svelte';

/** The codec names the probe stores, as fans read them. */
const LABELS: Record<string, string> = {
  h264: 'H.264',
  hevc: 'HEVC (H.265)',
  vp8: 'VP8',
  vp9: 'VP9',
  av1: 'AV1',
  mpeg2video: 'MPEG-2',
  mpeg4: 'MPEG-4 Part 2',
  mjpeg: 'Motion JPEG',
  theora: 'Theora',
  wmv3: 'WMV 9',
  aac: 'AAC',
  opus: 'Opus',
  vorbis: 'Vorbis',
  mp3: 'MP3',
  ac3: 'AC-3',
  eac3: 'E-AC-3',
  flac: 'FLAC',
  dts: 'DTS',
  pcm_s16le: 'PCM',
};

/** A codec as the player names it: `av1` is "AV1"; unknown ones as stored. */
export function codecLabel(codec: string | null): string {
  if (!codec) return m.codec_unknown();
  return LABELS[codec] ?? codec.toUpperCase();
}

/** RFC 6381 codec strings the web view understands, per stored codec name. */
const CODEC_PARAMS: Record<string, string> = {
  h264: 'avc1.64001f',
  hevc: 'hvc1.1.6.L93.B0',
  vp8: 'vp8',
  vp9: 'vp09.00.10.08',
  av1: 'av01.0.05M.08',
  aac: 'mp4a.40.2',
  opus: 'opus',
  vorbis: 'vorbis',
  mp3: 'mp4a.6B',
  ac3: 'ac-3',
  eac3: 'ec-3',
  flac: 'flac',
};

/** Container MIME types by file extension. */
const CONTAINERS: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  ts: 'video/mp2t',
  m2ts: 'video/mp2t',
  mts: 'video/mp2t',
  avi: 'video/x-msvideo',
};

/** What the player needs to know of a clip. */
export type Playable = {
  path: string | null;
  video_codec: string | null;
  audio_codec: string | null;
};

export type Plan =
  /** Play the file; `sure` is false when the web view could not be asked (an unknown codec). */
  | { mode: 'direct'; sure: boolean }
  /** Play a converted stream: the web view has no decoder for `codec`. */
  | { mode: 'convert'; codec: string }
  /**
   * The web view says it can decode neither the clip nor a converted stream.
   * It is played directly all the same (GStreamer may still find a decoder
   * `canPlayType` does not count); the watchdog speaks if nothing shows.
   */
  | { mode: 'none'; codec: string };

/** The converted stream's own type: what the media server's ffmpeg writes. */
export const CONVERTED_TYPE = 'video/mp4; codecs="avc1.64001f, mp4a.40.2"';

/**
 * How to play `clip` in a web view whose `canPlayType` is `canPlay`. Each
 * codec is asked alone (with its container when that is known), so the plan
 * names the one that cannot be decoded.
 */
export function planPlayback(clip: Playable, canPlay: (type: string) => string): Plan {
  const extension = clip.path?.split('.').pop()?.toLowerCase() ?? '';
  const container = CONTAINERS[extension];
  let sure = true;
  for (const codec of [clip.video_codec, clip.audio_codec]) {
    if (!codec) continue;
    const param = CODEC_PARAMS[codec];
    if (!param) {
      sure = false;
      continue;
    }
    // A codec the web view cannot decode in any container: converted.
    // (Matroska and TS containers are often not listed with codecs, so the
    // codec is asked in the container that names it best.)
    const typed = container && canPlay(`${container}; codecs="${param}"`) !== '';
    const anywhere = typed || ['video/mp4', 'video/webm'].some((type) => canPlay(`${type}; codecs="${param}"`) !== '');
    if (!anywhere) {
      return canPlay(CONVERTED_TYPE) !== '' ? { mode: 'convert', codec } : { mode: 'none', codec };
    }
  }
  return { mode: 'direct', sure };
}

/** The media server's URL for a clip, direct or converted from `seconds`. */
export function clipUrl(base: string, id: number, converted: boolean, seconds = 0): string {
  return converted ? `${base}/clip/${id}/converted?t=${Math.max(0, seconds).toFixed(3)}` : `${base}/clip/${id}/video`;
}

/** How long a player may sit without a frame before it says so. */
export const STALL_MS = 5000;

/** What the watchdog reads of the video every half second. */
export type Sample = { readyState: number; paused: boolean; ended: boolean; currentTime: number };

/** What the watchdog remembers between samples. */
export type Watch = { lastTime: number; lastProgress: number };

/**
 * One look of the watchdog at `now` (ms): a video with no metadata yet, or
 * playing without its time moving, has not progressed; after STALL_MS
 * without progress it has stalled.
 */
export function watchdog(watch: Watch, sample: Sample, now: number): { watch: Watch; stalled: boolean } {
  const noPicture = sample.readyState < 1;
  const stuck = !sample.paused && !sample.ended && sample.currentTime === watch.lastTime;
  const progressed = !noPicture && !stuck;
  const next = { lastTime: sample.currentTime, lastProgress: progressed ? now : watch.lastProgress };
  return { watch: next, stalled: !progressed && now - watch.lastProgress >= STALL_MS };
}

/** The line a stalled or failed player shows, naming what it was playing. */
export function stalledText(clip: Playable, converted: boolean, how: 'stalled' | 'failed' = 'stalled'): string {
  const video = codecLabel(clip.video_codec);
  const codecs = clip.audio_codec ? m.codecs_with_sound({ video, audio: codecLabel(clip.audio_codec) }) : video;
  if (converted) return m.player_converted_failed({ codecs });
  return how === 'stalled' ? m.player_stalled({ codecs }) : m.player_failed({ codecs });
}

/**
 * The shape of a clip's picture as CSS `aspect-ratio` (a phone clip turned
 * 90° stands upright), from what the import read; 16 / 9 when it read none.
 * The player's box takes it until the video's own size is known (`auto`), so
 * nothing below the player moves when the first frame arrives (and no click
 * lands on a button that moved: the Korean e2e lost one that way in CI).
 */
export function pictureAspect(clip: { width?: number | null; height?: number | null; rotation?: number | null }): string {
  const { width, height } = clip;
  if (!width || !height) return '16 / 9';
  const turned = Math.abs(clip.rotation ?? 0) % 180 === 90;
  return turned ? `${height} / ${width}` : `${width} / ${height}`;
}
