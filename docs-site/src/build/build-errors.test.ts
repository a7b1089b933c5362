import { describe, expect, it } from 'vitest';
import { explainBuildFailure } from './build-errors.js';

// Docusaurus's own wording (3.10), so a failed build in CI says which page is at fault in one line.

describe('explainBuildFailure', () => {
  it('names the page and the target of a broken link, and how many more there are', () => {
    const log = `[ERROR] Error: Unable to build website for locale en.
    at tryToBuildLocale
[cause]: Error: Docusaurus found broken links!

Please check the pages of your site in the list below, and make sure you don't reference any path that does not exist.
Note: it's possible to ignore broken links with the 'onBrokenLinks' Docusaurus configuration, and let the build pass.

Exhaustive list of all broken links found:
- Broken link on source page path = /policies/lisle-finance-share:
   -> linking to /sites/lisel
- Broken link on source page path = /status:
   -> linking to /policies/gone
`;
    expect(explainBuildFailure(log)).toBe(
      'broken link on page /policies/lisle-finance-share → /sites/lisel (and 1 more)',
    );
  });

  it('names the file and position of a Markdown link to a missing file', () => {
    const log = `[ERROR] Error: MDX compilation failed for file "/tmp/docs/index.md"
Cause: Markdown link with URL \`sites/nowhere.md\` in source file "docs/index.md" (12:3) couldn't be resolved.
Make sure it references a local Markdown file that exists within the current plugin.`;
    expect(explainBuildFailure(log)).toBe('docs/index.md:12:3: broken Markdown link to sites/nowhere.md');
  });

  it('falls back to the first meaningful [ERROR] line, colours stripped', () => {
    const log =
      "\u001b[31m[ERROR]\u001b[39m Client bundle compiled with errors therefore further build is impossible.\n[ERROR] Error: Cannot find module '@mermaid-js/layout-elk'\n    at x (y.js:1:1)";
    expect(explainBuildFailure(log)).toBe("Cannot find module '@mermaid-js/layout-elk'");
  });

  it('names the module webpack could not bundle, not the code excerpt under it', () => {
    const log = `[ERROR] Client bundle compiled with errors therefore further build is impossible.
Module parse failed: 'import' and 'export' may appear only with 'sourceType: module' (1:0)
File was parsed as module type 'javascript/dynamic'.
> 1 | import lunr from "lunr";
    | ^`;
    expect(explainBuildFailure(log)).toBe(
      "Module parse failed: 'import' and 'export' may appear only with 'sourceType: module' (1:0)",
    );
  });

  it('adds the innermost cause to a vague error', () => {
    const log = `[ERROR] Error: Docusaurus could not load module at path "/site/docusaurus.config.js"
    ... 4 lines matching cause stack trace ...
  [cause]: Error: config exploded
}`;
    expect(explainBuildFailure(log)).toBe(
      'Docusaurus could not load module at path "/site/docusaurus.config.js": config exploded',
    );
    expect(
      explainBuildFailure(
        '[ERROR] Error: Unable to build website for locale en.\n  [cause]: TypeError: x is not a function',
      ),
    ).toBe('x is not a function');
  });

  it('says something even when Docusaurus says nothing useful', () => {
    expect(explainBuildFailure('unable to locate static glob\n    at foo (bar.js:1:1)\n')).toBe(
      'unable to locate static glob',
    );
    expect(explainBuildFailure('')).toBe('docusaurus build failed without saying why');
  });
});
