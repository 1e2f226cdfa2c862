// Storyboards: a clip's frames at a fixed interval, on a few sprite sheets,
// so the window shows the frame under the pointer without seeking the video.
// The index comes from the core (`Storyboard`); the sheets from the media
// server by clip id (`/clip/{id}/storyboard/{n}`).

/** The index as the core sends it (the fields this module reads). */
export type Board = {
  interval_ms: number;
  tile_width: number;
  tile_height: number;
  columns: number;
  rows: number;
  tiles: number;
  sheets: number;
};

/** The tile that shows `ms` (the last one past the end). */
export function tileAt(board: Board, ms: number): number {
  const index = Math.floor(Math.max(0, ms) / Math.max(1, board.interval_ms));
  return Math.min(index, Math.max(0, board.tiles - 1));
}

/** The moment tile `tile` shows. */
export function timeOf(board: Board, tile: number): number {
  return tile * board.interval_ms;
}

/** Where tile `tile` is: its sheet, and its offset on it in pixels. */
export function place(board: Board, tile: number): { sheet: number; x: number; y: number } {
  const perSheet = Math.max(1, board.columns * board.rows);
  const k = tile % perSheet;
  const columns = Math.max(1, board.columns);
  return { sheet: Math.floor(tile / perSheet), x: (k % columns) * board.tile_width, y: Math.floor(k / columns) * board.tile_height };
}

/**
 * CSS that shows tile `tile` of `board` in a box `width` pixels wide: the
 * sheet as a background, scaled and moved so only that tile shows.
 */
export function tileStyle(board: Board, tile: number, sheetUrl: (n: number) => string, width: number): string {
  const { sheet, x, y } = place(board, tile);
  const scale = width / board.tile_width;
  const sheetWidth = board.columns * board.tile_width * scale;
  const sheetHeight = board.rows * board.tile_height * scale;
  return [
    `background-image: url("${sheetUrl(sheet)}")`,
    `background-size: ${sheetWidth}px ${sheetHeight}px`,
    `background-position: ${-x * scale}px ${-y * scale}px`,
    `width: ${width}px`,
    `height: ${board.tile_height * scale}px`,
  ].join('; ');
}
