import type { DocsContext } from '../context.js';
import { anchorOf, code, text } from '../markdown/escape.js';
import { PAGE } from '../paths.js';
import { onePage, type PageOutput } from './page-file.js';

// Every code validators, runners and the docs emit, with cause and fix; one heading per code whose
// anchor is the code with dots as dashes, so messages and other pages can link straight to it.

const prefixOf = (code: string) => code.split('.', 1)[0] ?? code;

export const troubleshootingPage = (ctx: DocsContext): PageOutput => {
  const codes = Object.keys(ctx.catalogue).sort();
  const seen = new Map<string, number>();
  for (const r of ctx.records) if (r.error) seen.set(r.error.code, (seen.get(r.error.code) ?? 0) + 1);
  const prefixes = [...new Set(codes.map(prefixOf))];
  const blocks = [
    '# Troubleshooting',
    text(
      `Every problem code lifeboat reports (${codes.length} codes), with its cause and fix. Search for the code from the error message, or jump by area:`,
    ),
    prefixes
      .map(
        (p) =>
          `- **${text(p)}**: ${codes
            .filter((c) => prefixOf(c) === p)
            .map((c) => `[${text(c)}](#${anchorOf(c)})`)
            .join(', ')}`,
      )
      .join('\n'),
    ...codes.flatMap((c) => {
      const entry = ctx.catalogue[c];
      if (!entry) return [];
      const count = seen.get(c);
      return [
        `## ${text(c)} {#${anchorOf(c)}}`,
        `**${text(entry.title)}**${count ? ` (seen in ${count} run record${count === 1 ? '' : 's'})` : ''}`,
        `**Cause.** ${text(entry.cause)}`,
        `**Fix.** ${text(entry.fix)}`,
      ];
    }),
    codes.length === 0
      ? `No codes in the catalogue given to the generator (${code('catalogue')} option).`
      : undefined,
  ];
  return onePage(
    PAGE.troubleshooting,
    {
      title: 'Troubleshooting',
      position: 4,
      description: 'Every lifeboat error code: what causes it and how to fix it.',
    },
    blocks,
  );
};
