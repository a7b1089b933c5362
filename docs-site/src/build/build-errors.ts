import { stripVTControlCharacters } from 'node:util';

// Docusaurus explains a failed build in many lines (and a stack); people need one line naming the page at fault.

/** The first broken link Docusaurus lists: "Broken link on source page path = /a:\n   -> linking to /b". */
const brokenLink = (log: string): string | undefined => {
  const pages = [
    ...log.matchAll(/Broken (link|anchor) on source page path = (\S+?):?\n\s*-> linking to (\S+)/g),
  ];
  const first = pages[0];
  if (!first) return undefined;
  const more = pages.length > 1 ? ` (and ${pages.length - 1} more)` : '';
  return `broken ${first[1]} on page ${first[2]} → ${first[3]}${more}`;
};

/** A Markdown link to a file that does not exist: "Markdown link with URL `x.md` in source file "docs/a.md" (3:1) couldn't be resolved". */
const brokenMarkdownLink = (log: string): string | undefined => {
  const m =
    /Markdown (link|image) with URL `([^`]*)` in source file "([^"]+)" \((\d+):(\d+)\) couldn't be resolved/.exec(
      log,
    );
  return m ? `${m[3]}:${m[4]}:${m[5]}: broken Markdown ${m[1]} to ${m[2]}` : undefined;
};

/** A page that MDX/Markdown cannot compile: "Error while compiling file docs/a.md (line 3, column 1)" or similar. */
const compileError = (log: string): string | undefined => {
  const m =
    /(?:MDX compilation failed for file|Can't process doc metadata for doc at path|while compiling file)\s*"?([^"\n]+?)"?\s*(?:\n|$)[\s\S]*?(?:Cause: |Error: |\n\s*)([^\n]+)/.exec(
      log,
    );
  return m ? `${m[1]}: ${m[2]?.trim()}` : undefined;
};

/** webpack's reason for a module it could not bundle: "Module not found: Error: Can't resolve 'x' in '/dir'". */
const moduleError = (log: string): string | undefined => {
  const m = /^(?:ERROR in \S+\s*)?(Module (?:not found|parse failed|build failed)[^\n]*)/m.exec(log);
  return m?.[1]?.trim();
};

/** The first "[ERROR] …" line that says something (Docusaurus's generic "Unable to build website" says nothing),
 * with its innermost "[cause]: …" when it has one: "could not load module" alone does not say what broke. */
const firstError = (log: string): string | undefined => {
  const lines = log.split('\n').map((l) => l.trim());
  const causes = lines
    .map((l) => /^\[cause\]:\s*(?:[A-Za-z]*Error:\s*)?(.+)$/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined);
  const cause = causes.at(-1);
  for (const line of lines) {
    const m = /^\[ERROR\]\s*(?:Error:\s*)?(.+)$/.exec(line);
    if (!m?.[1] || /Client bundle compiled with errors/i.test(m[1])) continue;
    if (/Unable to build website/i.test(m[1])) return cause;
    return cause === undefined ? m[1].trim() : `${m[1].trim()}: ${cause.trim()}`;
  }
  return cause;
};

/** One line saying why `docusaurus build` failed, from its combined output. */
export const explainBuildFailure = (output: string): string => {
  const log = stripVTControlCharacters(output);
  return (
    brokenLink(log) ??
    brokenMarkdownLink(log) ??
    compileError(log) ??
    moduleError(log) ??
    firstError(log) ??
    log
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /[A-Za-z]{3}/.test(l) && !l.startsWith('at '))
      .at(-1) ??
    'docusaurus build failed without saying why'
  );
};
