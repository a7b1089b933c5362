// The bot's whole configuration, read once from the environment so nothing else touches process.env.

export type BotMode = 'http' | 'socket';
export type DispatcherName = 'local' | 'github';

export interface GitHubDispatchConfig {
  token: string;
  owner: string;
  repo: string;
  /** Workflow file for restores; default `restore.yml`. */
  workflow: string;
  /** Workflow file for drills; default `drill.yml`. */
  drillWorkflow: string;
  /** GitHub API base URL (GITHUB_API_URL), e.g. a GHES or a test fake. */
  baseUrl?: string;
}

export interface BotConfig {
  slackBotToken: string;
  /** Required in http mode (loadBotConfig refuses it missing); unused in Socket Mode. */
  slackSigningSecret?: string;
  slackAppToken?: string;
  mode: BotMode;
  port: number;
  /** Listen address; default 127.0.0.1. */
  host: string;
  dispatcher: DispatcherName;
  github?: GitHubDispatchConfig;
  /** Inventory directory (sites/, policies/, images/). */
  root: string;
  /** Bot state: requests/, audit/, and (local dispatcher) the runner's ledger. */
  stateDir: string;
  /** Slack Web API base URL ending in `/api/`; tests point it at a fake. */
  slackApiUrl?: string;
  /** Pending approvals expire after this long; default 4 h. */
  approvalTtlSeconds: number;
  /** Requests per user per minute; default 10. */
  rateLimitPerMinute: number;
}

export type BotConfigResult = { ok: true; config: BotConfig } | { ok: false; problems: string[] };
