import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditPath, openAuditLog, readAudit } from './audit-log.js';
import { csvCell, renderAudit } from './render.js';
import type { AuditEvent } from './types.js';

const EVENT: AuditEvent = {
  at: '2026-01-01T10:00:00.000Z',
  type: 'request',
  requestId: 'rq_aaaaaaaaaaaaaaaa',
  actor: 'U05KS1PN4T2',
  site: 'lisle',
  subject: 'lisle-finance-share',
  detail: 'restore 1 path to the alternate target: deleted by mistake',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openAuditLog', () => {
  it('appends in order and reads back, filtered', async () => {
    const log = await openAuditLog(dir);
    await Promise.all(
      ['request', 'approval', 'dispatch', 'result'].map((type, i) =>
        log.append({ ...EVENT, type: type as AuditEvent['type'], at: `2026-01-01T10:0${i}:00.000Z` }),
      ),
    );
    expect((await log.read()).map((e) => e.type)).toEqual(['request', 'approval', 'dispatch', 'result']);
    expect((await log.read({ since: '2026-01-01T10:02:00Z' })).map((e) => e.type)).toEqual([
      'dispatch',
      'result',
    ]);
    expect((await log.read({ type: 'approval' })).length).toBe(1);
    // Reopened (a restart) it still has everything.
    expect((await readAudit(dir)).length).toBe(4);
  });

  it('keeps one event per line whatever the detail holds', async () => {
    const log = await openAuditLog(dir);
    await log.append({ ...EVENT, detail: 'line one\nline two\u0000' });
    const [e] = await log.read();
    expect(e?.detail).toBe('line one line two ');
  });

  it('skips a torn last line', async () => {
    const log = await openAuditLog(dir);
    await log.append(EVENT);
    await appendFile(auditPath(dir), '{"at":"2026-01-01T1');
    expect(await log.read()).toEqual([EVENT]);
  });

  it('reads nothing from a state directory without a log', async () => {
    expect(await readAudit(path.join(dir, 'none'))).toEqual([]);
  });
});

describe('renderAudit', () => {
  it('defuses formula cells and quotes CSV specials', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-1')).toBe(`"'-1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('renders CSV with a header, and JSON as an array or lines', () => {
    const events = [EVENT, { ...EVENT, type: 'denial' as const, detail: '=cmd|calc' }];
    const csv = renderAudit(events, 'csv');
    expect(csv.split('\r\n')).toEqual([
      'at,type,requestId,actor,site,subject,detail',
      '2026-01-01T10:00:00.000Z,request,rq_aaaaaaaaaaaaaaaa,U05KS1PN4T2,lisle,lisle-finance-share,restore 1 path to the alternate target: deleted by mistake',
      `2026-01-01T10:00:00.000Z,denial,rq_aaaaaaaaaaaaaaaa,U05KS1PN4T2,lisle,lisle-finance-share,"'=cmd|calc"`,
      '',
    ]);
    expect(JSON.parse(renderAudit(events, 'json'))).toEqual(events);
    expect(
      renderAudit(events, 'json', { jsonLines: true })
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(events);
  });
});
