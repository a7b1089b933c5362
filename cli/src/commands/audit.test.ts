import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AuditEvent, openAuditLog } from '@lifeboat/bot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditStateDir, runAudit } from './audit.js';

let dir: string;
const EVENTS: AuditEvent[] = [
  {
    at: '2026-01-01T10:00:00.000Z',
    type: 'request',
    requestId: 'rq_aaaaaaaaaaaaaaaa',
    actor: 'U05KS1PN4T2',
    site: 'lisle',
    subject: 'lisle-finance-share',
    detail: '=HYPERLINK("http://evil")',
  },
  {
    at: '2026-01-02T10:00:00.000Z',
    type: 'approval',
    requestId: 'rq_aaaaaaaaaaaaaaaa',
    actor: 'U05KR7W2D1A',
    site: 'lisle',
    subject: 'lisle-finance-share',
    detail: 'approved, in place',
  },
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-audit-cli-'));
  const log = await openAuditLog(dir);
  for (const e of EVENTS) await log.append(e);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = async (options: Parameters<typeof runAudit>[0]) => {
  let out = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await runAudit(
    options,
    (t) => {
      out += t;
    },
    {},
  );
  const stderr = err.mock.calls.map((c) => String(c[0])).join('');
  err.mockRestore();
  return { code, out, stderr };
};

describe('lifeboat audit', () => {
  it('exports CSV with formula cells defused', async () => {
    const { code, out } = await run({ stateDir: dir });
    expect(code).toBe(0);
    const rows = out.split('\r\n');
    expect(rows[0]).toBe('at,type,requestId,actor,site,subject,detail');
    expect(rows[1]).toBe(
      `2026-01-01T10:00:00.000Z,request,rq_aaaaaaaaaaaaaaaa,U05KS1PN4T2,lisle,lisle-finance-share,"'=HYPERLINK(""http://evil"")"`,
    );
    expect(rows).toHaveLength(4);
  });

  it('exports JSON, as an array or as lines, since a moment', async () => {
    expect(JSON.parse((await run({ stateDir: dir, format: 'json' })).out)).toEqual(EVENTS);
    const lines = (await run({ stateDir: dir, format: 'json', lines: true, since: '2026-01-02' })).out;
    expect(
      lines
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([EVENTS[1]]);
  });

  it.each([
    [{ stateDir: '', format: 'xml' }, /--format "xml" must be csv or json/],
    [{ since: 'yesterday' }, /--since "yesterday" is not an ISO 8601 time/],
    [{ since: '2026-13-45' }, /is not an ISO 8601 time/],
    [{ lines: true }, /--lines goes with --format json/],
    [{ stateDir: '/nonexistent/lifeboat-bot' }, /is not a directory/],
  ])('refuses bad input %j with one line and exit 2', async (options, message) => {
    const { code, out, stderr } = await run({ stateDir: dir, ...options });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('finds the state directory from the environment like the bot does', () => {
    expect(auditStateDir(undefined, { LIFEBOAT_BOT_STATE_DIR: '/s' })).toBe('/s');
    expect(auditStateDir(undefined, { LIFEBOAT_ROOT: '/r' })).toBe('/r/.lifeboat/bot');
    expect(auditStateDir('/x', { LIFEBOAT_BOT_STATE_DIR: '/s' })).toBe('/x');
  });
});
