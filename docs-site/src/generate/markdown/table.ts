// GFM tables: a pipe anywhere in a cell, even inside a code span, ends the cell unless escaped.

/** A cell from inline Markdown (already escaped text or code spans): every unescaped pipe escaped. */
export const cell = (markdown: string): string =>
  markdown
    .replace(/\r?\n/g, ' ')
    .replace(/(^|[^\\])\|/g, '$1\\|')
    .replace(/(^|[^\\])\|/g, '$1\\|');

/** A table; an empty `rows` gives `empty` as a paragraph instead of a header with no body. */
export const table = (
  header: readonly string[],
  rows: readonly (readonly string[])[],
  empty = '_None._',
): string => {
  if (rows.length === 0) return empty;
  const line = (cells: readonly string[]) => `| ${cells.map((c) => cell(c) || ' ').join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
};
