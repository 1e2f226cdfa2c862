// Search snippets arrive as plain text with the matched words between `**`;
// this splits them into pieces a component renders as text and <mark>.

export type Piece = { text: string; mark: boolean };

/** Splits `a **b** c` into [a ][b*][ c]. An unpaired `**` is kept as text. */
export function snippetPieces(snippet: string): Piece[] {
  const parts = snippet.split('**');
  if (parts.length % 2 === 0) return [{ text: snippet, mark: false }];
  return parts
    .map((text, i) => ({ text, mark: i % 2 === 1 }))
    .filter((piece) => piece.text.length > 0);
}
