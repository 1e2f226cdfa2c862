// What a drop onto the window does with each path: a pack (`.json`) is read
// and matched, then shown before anything is written; anything else is added
// as a watched folder. One path's failure is said and the others still go.

export type DropActions = {
  /** Opens the pack's import dialog for `path`. */
  pack: (path: string) => void;
  /** Adds `path` as a watched folder; throws what went wrong. */
  folder: (path: string) => Promise<void>;
  /** Says a path's failure. */
  failed: (error: unknown) => void;
};

export async function dropPaths(paths: string[], actions: DropActions): Promise<void> {
  for (const path of paths) {
    if (path.toLowerCase().endsWith('.json')) {
      actions.pack(path);
      continue;
    }
    try {
      await actions.folder(path);
    } catch (error) {
      actions.failed(error);
    }
  }
}
