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

/** How long to wait before asking again for a storyboard that is being made. */
const RETRY_MS = 2000;

/**
 * Storyboards as the window has them: asked of the core once per clip (a
 * missing one is made next, before the background's others, and asked for
 * again after a while).
 */
export class Boards {
  private known = new Map<number, Board>();
  private asked = new Map<number, number>();

  constructor(private fetch: (clipId: number) => Promise<Board | null>) {}

  /** The clip's storyboard if the window has it; asks for it otherwise. */
  get(clipId: number, now = Date.now()): Board | null {
    const board = this.known.get(clipId);
    if (board) return board;
    const last = this.asked.get(clipId);
    if (last === undefined || now - last >= RETRY_MS) {
      this.asked.set(clipId, now);
      void this.fetch(clipId)
        .then((found) => {
          if (found) {
            this.known.set(clipId, found);
            this.onload?.(clipId);
          }
        })
        .catch(() => {});
    }
    return null;
  }

  /** Called when a storyboard arrives. */
  onload: ((clipId: number) => void) | null = null;
}
