// Loads captured (fixtures/v0.14, real restic) and hand-written (fixtures/hand-written, newer versions) outputs.

import { readFileSync } from 'node:fs';
import { parseResticVersion, type ResticFeatures, resticFeatures } from '../version.js';

export interface ResticFixture {
  version: string;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  handWritten?: boolean;
  basis?: string;
}

export type FixtureSet = 'v0.14' | 'hand-written';

export const fixture = (set: FixtureSet, scenario: string): ResticFixture => {
  const url = new URL(`../fixtures/${set}/${scenario}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ResticFixture;
};

/** The features of the restic version a fixture came from. */
export const featuresOf = (f: ResticFixture): ResticFeatures => {
  const v = parseResticVersion(`restic ${f.version}`);
  if (!v) throw new Error(`fixture version ${f.version} does not parse`);
  return resticFeatures(v);
};

/** The process end of a fixture, as classifyRestic takes it. */
export const endOf = (f: ResticFixture) => ({
  exitCode: f.exitCode,
  signal: undefined,
  stderr: f.stderr,
  cancelled: false,
  timedOut: false,
  spawnFailed: false,
});
