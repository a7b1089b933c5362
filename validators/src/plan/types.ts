// The plan as data: the diff produces it, the Markdown and JSON renderers only read it.

export type PlanKind = 'Site' | 'BackupPolicy' | 'Image';

/** Identity of an object in the inventory: kind + metadata.name; `file` is where it lives now. */
export interface ObjectRef {
  kind: PlanKind;
  name: string;
  file: string;
}

export type ChangeType = 'added' | 'removed' | 'changed';

/** One field that differs. `before` is absent when the field was added, `after` when it was removed. */
export interface FieldChange {
  /** e.g. `spec.retention.keepDaily`, `spec.sources.paths[0]`, `spec.nas[name="lisle-nas"].repository`. */
  path: string;
  change: ChangeType;
  before?: unknown;
  after?: unknown;
}

export interface RemovedObject extends ObjectRef {
  /** What stops, and what is explicitly not deleted (fixed wording, no user strings). */
  effect: string;
  /** For a policy: the repository its snapshots stay in, when it resolves. */
  repository?: string;
}

export interface ChangedObject extends ObjectRef {
  /** Set when the object moved to another file. */
  previousFile?: string;
  changes: FieldChange[];
}

/** An object that could not be compared because its file failed to load on one side. */
export interface UnreadableObject extends ObjectRef {
  side: 'base' | 'head';
}

export type ScheduleJob = 'backup' | 'check' | 'prune' | 'offsite' | 'drill';

/** Why a schedule's run times move: its cron, its own timezone, its site's timezone, or a move to another site. */
export type ScheduleCause = 'cron' | 'timezone' | 'site-timezone' | 'site';

export interface ScheduleState {
  cron: string;
  /** The effective IANA zone: the schedule's own, else its site's, else UTC when the site is unknown. */
  timezone: string;
  timezoneFrom: 'schedule' | 'site' | 'fallback-utc';
  /** Next runs after the plan's `now`, as local ISO times with offset (e.g. 2025-01-16T01:30:00-06:00). */
  nextRuns: string[];
  /** Why next runs could not be computed (invalid cron or zone). */
  error?: string;
}

export interface ScheduleChange extends ObjectRef {
  job: ScheduleJob;
  change: ChangeType;
  causes: ScheduleCause[];
  before?: ScheduleState;
  after?: ScheduleState;
}

export type RetentionDirection = 'tightened' | 'loosened';

export interface RetentionChange extends ObjectRef {
  /** A restic keep rule (`keepDaily`, `keepWithin`, …) or an image's `keepVersions`. */
  key: string;
  before?: number | string;
  after?: number | string;
  direction: RetentionDirection;
  /** Tightening deletes snapshots or image versions at the next forget/prune. */
  destructive: boolean;
  /** One line, e.g. `keepDaily lowered from 14 to 7`. */
  reason: string;
}

export interface RepositoryLocation {
  site: string;
  target: string;
  path: string;
  /** The restic repository URL, when the site and NAS target resolve. */
  url?: string;
}

export interface RepositoryMove extends ObjectRef {
  /** `policy`: the policy's site/target/path changed; `site-nas`: the NAS target's repository URL changed. */
  cause: 'policy' | 'site-nas';
  before: RepositoryLocation;
  after: RepositoryLocation;
}

export interface PlanSide {
  /** `origin/main`, `working tree`, … */
  label: string;
  commit?: string;
  /** Inventory files read. */
  files: number;
  /** Objects that loaded (sites + policies + images). */
  objects: number;
  /** Files that failed to load (syntax, shape, refused): their objects are not compared. */
  failedFiles: string[];
}

export interface PlanResult {
  base: PlanSide;
  head: PlanSide;
  /** The instant next runs are counted from (ISO, UTC). */
  now: string;
  destructive: boolean;
  /** One line. */
  summary: string;
  added: ObjectRef[];
  removed: RemovedObject[];
  changed: ChangedObject[];
  unreadable: UnreadableObject[];
  schedules: ScheduleChange[];
  retention: RetentionChange[];
  repositoryMoves: RepositoryMove[];
}
