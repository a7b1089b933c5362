import { jobs } from '@lifeboat/runners';

// The runner's own path rules, re-exported so the bot refuses a bad path in Slack before anything is
// dispatched, with exactly the checks the runner's restore applies again on the site.
export const { insideSources, normalisePath } = jobs;
