import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditFilter, type AuditLog } from './types.js';

// Append-only JSON lines, fsynced per event: an audit trail that loses the last decision on a power cut is not one.

export const AUDIT_FILE = 'audit.jsonl';

/** Where the audit log of a bot state directory lives. */
export const auditPath = (stateDir: string): string => path.join(stateDir, 'audit', AUDIT_FILE);

const oneLine = (s: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters would break lines and terminals
  s.replace(/[\u0000-\u001f\u007f]/g, ' ');

const isEvent = (v: unknown): v is AuditEvent => {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.at === 'string' &&
    (AUDIT_EVENT_TYPES as readonly unknown[]).includes(e.type) &&
    ['requestId', 'actor', 'site', 'subject', 'detail'].every((k) => typeof e[k] === 'string')
  );
};

/** Parses a log's text; a torn last line (a crash mid-append) and foreign lines are skipped, not fatal. */
export const parseAuditLines = (text: string): AuditEvent[] => {
  const events: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isEvent(v)) events.push(v);
    } catch {
      // torn or foreign line
    }
  }
  return events;
};

export const filterAudit = (events: readonly AuditEvent[], filter: AuditFilter = {}): AuditEvent[] => {
  const since = filter.since !== undefined ? Date.parse(filter.since) : undefined;
  return events.filter(
    (e) =>
      (since === undefined || Date.parse(e.at) >= since) &&
      (filter.type === undefined || e.type === filter.type) &&
      (filter.requestId === undefined || e.requestId === filter.requestId),
  );
};

/** Reads the audit log of a state directory without opening it for writing (the CLI). */
export const readAudit = async (stateDir: string, filter: AuditFilter = {}): Promise<AuditEvent[]> => {
  let text: string;
  try {
    text = await readFile(auditPath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return filterAudit(parseAuditLines(text), filter);
};

export const openAuditLog = async (stateDir: string): Promise<AuditLog> => {
  const file = auditPath(stateDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Appends are serialised so two events never interleave within a line.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    path: file,
    append(event: AuditEvent): Promise<void> {
      const clean: AuditEvent = {
        at: event.at,
        type: event.type,
        requestId: oneLine(event.requestId),
        actor: oneLine(event.actor),
        site: oneLine(event.site),
        subject: oneLine(event.subject),
        detail: oneLine(event.detail).slice(0, 2000),
      };
      const line = `${JSON.stringify(clean)}\n`;
      const next = queue.then(async () => {
        const handle = await open(file, 'a', 0o600);
        try {
          await handle.appendFile(line, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async read(filter?: AuditFilter): Promise<AuditEvent[]> {
      await queue;
      return readAudit(stateDir, filter);
    },
  };
};
