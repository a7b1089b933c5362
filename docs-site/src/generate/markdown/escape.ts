// Everything that comes from YAML or run records passes through here before it lands in Markdown, so a
// title such as `</script>` or `| x |` stays text and can never become HTML, a link, a table cell or a fence.

/** One line: newlines and other control characters become spaces (pages are built line by line). */
export const oneLine = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones with meaning inline
// (emphasis, code, link brackets, HTML, table pipes, strikethrough, heading-id braces). With `[` escaped,
// `(`, `)` and `!` cannot start a link or an image, so they stay readable.
const INLINE_SPECIAL = /[\\`*_[\]<>|~{}]/g;

/** Plain text safe in a paragraph, list item, heading or table cell. */
export const text = (value: string): string =>
  oneLine(value)
    .replace(/&/g, '&amp;')
    .replace(INLINE_SPECIAL, (c) => `\\${c}`)
    // `:name` would start a text directive in Docusaurus' remark-directive.
    .replace(/:(?=[A-Za-z])/g, '\\:')
    // A leading marker would turn a line into a list, quote or thematic break.
    .replace(/^[-+=#]/, (m) => `\\${m}`)
    .replace(/^(\d+)([.)])/, '$1\\$2');

/** An inline code span holding `value` literally, whatever backticks it contains. */
export const code = (value: string): string => {
  const line = oneLine(value);
  const runs = line.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || line === '' ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
};

/** A fenced code block whose fence no line of `body` can close. */
export const codeBlock = (body: string, info = ''): string => {
  const runs = body.match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  return `${fence}${oneLine(info)}\n${body.replace(/\n+$/, '')}\n${fence}`;
};

/** A link whose target is built by us (relative page paths, anchors): only the label needs escaping. */
export const link = (label: string, target: string): string =>
  `[${text(label)}](${encodeURI(target).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`;

/** A heading anchor as Docusaurus makes it for a plain-ASCII heading; codes' dots become dashes. */
export const anchorOf = (code: string): string => code.toLowerCase().replace(/[^a-z0-9-]+/g, '-');

/** A YAML value in single quotes for frontmatter (front matter is YAML, parsed by Docusaurus). */
export const yamlString = (value: string): string => `'${oneLine(value).replace(/'/g, "''")}'`;
