import { appendFile } from 'node:fs/promises';

// GitHub Actions shows Markdown appended to $GITHUB_STEP_SUMMARY on the run's page.

/** Append `markdown` to the job summary when running under Actions; false (nothing done) elsewhere. */
export const appendStepSummary = async (
  markdown: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> => {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file === undefined || file === '') return false;
  await appendFile(file, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`);
  return true;
};
