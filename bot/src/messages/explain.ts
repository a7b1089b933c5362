import { type CatalogueEntry, CORE_CATALOGUE } from '@lifeboat/core';
import { BOT_CATALOGUE } from '../catalogue/index.js';

// Every refusal or failure shown in Slack carries the catalogue's fix, so the reader knows what to do next.

const CATALOGUES: readonly Readonly<Record<string, CatalogueEntry>>[] = [BOT_CATALOGUE, CORE_CATALOGUE];

/** The catalogue entry for `code`, or a generic one naming the code (never throws). */
export const catalogueEntry = (code: string): CatalogueEntry => {
  for (const c of CATALOGUES) {
    const e = c[code];
    if (e) return e;
  }
  return {
    title: code,
    cause: 'No catalogue entry for this code.',
    fix: 'Look the code up in the runbook site or ask the lifeboat maintainers.',
  };
};

/** One mrkdwn paragraph: `*title* (code): why. Fix: …`. */
export const explain = (code: string, why?: string): string => {
  const e = catalogueEntry(code);
  return `*${e.title}* (\`${code}\`)${why ? `: ${why}` : ''}\n*Fix:* ${e.fix}`;
};
