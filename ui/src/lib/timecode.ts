// Clip times as fans read them: 83500 ms is "1:23.5"; hours appear only when needed.

/** Formats milliseconds as `M:SS`, `H:MM:SS`, with tenths when not whole. */
export function formatTimecode(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–:––';
  const tenths = Math.floor((ms % 1000) / 100);
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  const head = hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}` : `${minutes}`;
  return tenths > 0 ? `${head}:${ss}.${tenths}` : `${head}:${ss}`;
}
