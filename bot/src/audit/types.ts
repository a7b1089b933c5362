// Every decision the bot makes, one JSON line each, kept for `lifeboat audit`.

export type AuditEventType = 'request' | 'approval' | 'denial' | 'refusal' | 'dispatch' | 'result' | 'expiry';

export const AUDIT_EVENT_TYPES = [
  'request',
  'approval',
  'denial',
  'refusal',
  'dispatch',
  'result',
  'expiry',
] as const satisfies readonly AuditEventType[];

export interface AuditEvent {
  /** ISO time. */
  at: string;
  type: AuditEventType;
  requestId: string;
  /** Slack user id, or `bot` / `runner`. */
  actor: string;
  site: string;
  /** Policy or image name. */
  subject: string;
  /** One line: why, or what happened. */
  detail: string;
}

export interface AuditFilter {
  since?: string;
  type?: AuditEventType;
  requestId?: string;
}

export interface AuditLog {
  readonly path: string;
  append(event: AuditEvent): Promise<void>;
  read(filter?: AuditFilter): Promise<AuditEvent[]>;
}

export type AuditFormat = 'csv' | 'json';
