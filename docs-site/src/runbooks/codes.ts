import type { CatalogueEntry } from '@lifeboat/core';

// Codes the runbook lint, the directive expander and the generator emit, each with its cause and fix.

export const DOCS_CATALOGUE: Readonly<Record<string, CatalogueEntry>> = {
  'runbook.missing-title': {
    title: 'Runbook has no title',
    cause: 'The runbook does not start with a level-1 heading (`# Title`), which becomes its page title.',
    fix: 'Put one `# Title` heading at the top of the file.',
  },
  'runbook.multiple-titles': {
    title: 'Runbook has more than one title',
    cause: 'More than one level-1 heading: the page title would be ambiguous.',
    fix: 'Keep one `#` heading; make the others `##` or `###`.',
  },
  'runbook.missing-section': {
    title: 'Runbook section missing',
    cause:
      'Every runbook needs the level-2 sections Purpose, Preconditions, Steps, Verification and Rollback.',
    fix: 'Add the missing `## Section` heading with its content.',
  },
  'runbook.section-order': {
    title: 'Runbook sections out of order',
    cause:
      'The required sections must come in the order Purpose, Preconditions, Steps, Verification, Rollback, so every runbook reads the same way.',
    fix: 'Move the section named in the message to its place.',
  },
  'runbook.duplicate-section': {
    title: 'Runbook section repeated',
    cause: 'A required section heading appears twice.',
    fix: 'Merge the two sections into one.',
  },
  'runbook.empty-section': {
    title: 'Runbook section is empty',
    cause: 'A required section has a heading but no content before the next heading.',
    fix: 'Write the section, or say explicitly why nothing is needed (e.g. "None: read-only procedure").',
  },
  'runbook.unknown-directive': {
    title: 'Unknown directive',
    cause:
      'A `:name`, `::name` or `:::name` directive is not one the generator knows, so it would be left in the page as stray text.',
    fix: 'Use one of policy-table, restore-steps, image-flash-steps, policy-fact (or escape a literal colon as `\\:`).',
  },
  'runbook.directive-attribute': {
    title: 'Directive attribute missing or wrong',
    cause:
      'A directive lacks a required attribute (e.g. `site`, `policy`, `image`, `field`) or names an unknown field.',
    fix: 'Give the attribute the message names, e.g. `::restore-steps{policy="lisle-finance-share"}`.',
  },
  'runbook.unknown-site': {
    title: 'Directive names an unknown site',
    cause: 'The `site` attribute names no site in sites/.',
    fix: 'Use the metadata.name of a site, or add the site.',
  },
  'runbook.unknown-policy': {
    title: 'Directive names an unknown policy',
    cause: 'The `policy` attribute names no backup policy in policies/ (renamed or removed?).',
    fix: 'Use the metadata.name of an existing policy.',
  },
  'runbook.unknown-image': {
    title: 'Directive names an unknown image',
    cause: 'The `image` attribute names no image in images/.',
    fix: 'Use the metadata.name of an existing image.',
  },
  'runbook.raw-html': {
    title: 'Raw HTML in a runbook',
    cause: 'The runbook contains an HTML tag; it would be published to every reader as is.',
    fix: 'Write it in Markdown, or use an admonition (`:::warning`) for emphasis.',
  },
  'runbook.unreadable': {
    title: 'Runbook cannot be read',
    cause: 'The file is not readable UTF-8 text, too large, or a link outside the repository.',
    fix: 'Make it a regular UTF-8 Markdown file under runbooks/.',
  },
  'docs.out-dir-not-generated': {
    title: 'Output folder holds files lifeboat did not write',
    cause:
      'The docs output folder is not empty and has no `.lifeboat-generated.json` list, so clearing it could delete hand-written files.',
    fix: 'Point the generator at an empty folder or at one it generated before.',
  },
};
