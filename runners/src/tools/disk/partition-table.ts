// Partition tables saved and written back exactly: `sfdisk -d` / `sfdisk` for MBR and GPT, `sgdisk
// --backup` / `--load-backup` for GPT. Works on image files as well as block devices.

import { rm } from 'node:fs/promises';
import { quote } from '@lifeboat/core';
import { exec } from '../../exec/exec.js';
import type { ToolError, ToolResult, ToolRun } from '../result.js';
import type { DiskCode } from './codes.js';

export interface PartitionEntry {
  /** 1-based, in dump order. */
  number: number;
  /** First sector. */
  start: number;
  /** Length in sectors. */
  size: number;
  /** MBR type byte (`c`, `83`) or GPT type GUID. */
  type: string;
  uuid?: string;
  name?: string;
  bootable: boolean;
}

export interface PartitionTable {
  label: 'gpt' | 'dos';
  labelId: string | undefined;
  sectorSize: number;
  firstLba: number | undefined;
  lastLba: number | undefined;
  partitions: PartitionEntry[];
  /** The dump exactly as sfdisk printed it; feed it back to `writePartitionTable`. */
  text: string;
}

const header = (text: string, key: string): string | undefined =>
  new RegExp(`^${key}: (.+)$`, 'm').exec(text)?.[1]?.trim();

/** `sfdisk -d` output → table; undefined when it is not a dump. */
export const parseSfdiskDump = (text: string): PartitionTable | undefined => {
  const label = header(text, 'label');
  if (label !== 'gpt' && label !== 'dos') return undefined;
  const partitions: PartitionEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^\S+ : (.*)$/.exec(line);
    if (!m?.[1]) continue;
    const fields = new Map<string, string>();
    let bootable = false;
    for (const part of m[1].split(/,\s*/)) {
      const kv = /^\s*([a-z-]+)=\s*(.*)$/.exec(part);
      if (kv?.[1] && kv[2] !== undefined) fields.set(kv[1], kv[2].replace(/^"(.*)"$/, '$1'));
      else if (part.trim() === 'bootable') bootable = true;
    }
    const start = Number(fields.get('start'));
    const size = Number(fields.get('size'));
    const type = fields.get('type');
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(size) || !type) return undefined;
    const entry: PartitionEntry = { number: partitions.length + 1, start, size, type, bootable };
    const uuid = fields.get('uuid');
    const name = fields.get('name');
    if (uuid) entry.uuid = uuid;
    if (name !== undefined) entry.name = name;
    partitions.push(entry);
  }
  const num = (key: string) => {
    const v = header(text, key);
    return v === undefined ? undefined : Number(v);
  };
  return {
    label,
    labelId: header(text, 'label-id'),
    sectorSize: num('sector-size') ?? 512,
    firstLba: num('first-lba'),
    lastLba: num('last-lba'),
    partitions,
    text,
  };
};

/** Same layout: label, label id, and every partition's start, size, type, uuid, name and boot flag. */
export const sameLayout = (a: PartitionTable, b: PartitionTable): boolean =>
  a.label === b.label &&
  a.labelId === b.labelId &&
  a.partitions.length === b.partitions.length &&
  a.partitions.every((p, i) => {
    const q = b.partitions[i];
    return (
      q !== undefined &&
      p.start === q.start &&
      p.size === q.size &&
      p.type === q.type &&
      p.uuid === q.uuid &&
      p.name === q.name &&
      p.bootable === q.bootable
    );
  });

export interface DiskToolOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

const versions = new Map<string, Promise<string>>();
const versionOf = (tool: 'sfdisk' | 'sgdisk'): Promise<string> => {
  let v = versions.get(tool);
  if (!v) {
    v = exec(tool, ['--version'], { timeoutMs: 15_000 }).then(
      (r) => /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? 'unknown',
    );
    versions.set(tool, v);
  }
  return v;
};

type Failed = ToolRun & { outcome: 'failed' | 'cancelled'; error: ToolError };

const runTool = async (
  tool: 'sfdisk' | 'sgdisk',
  argv: string[],
  options: DiskToolOptions & { input?: string },
) => {
  const version = await versionOf(tool);
  const r = await exec(tool, argv, {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 120_000,
    input: options.input,
  });
  const run: ToolRun = { tool, version, features: [], exitCode: r.exitCode, durationMs: r.durationMs };
  const fail = (code: DiskCode, message: string): Failed => ({
    outcome: 'failed',
    error: { code, message },
    ...run,
  });
  let problem: Failed | undefined;
  if (r.cancelled)
    problem = {
      outcome: 'cancelled',
      error: { code: 'disk.cancelled', message: `${tool} was cancelled` },
      ...run,
    };
  else if (r.timedOut) problem = fail('disk.timeout', `${tool} timed out`);
  else if (r.spawnFailed)
    problem = fail('disk.not-installed', `${tool} could not be started (is it installed?)`);
  else if (r.exitCode !== 0) {
    const said = `${r.stderr}\n${r.stdout}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^\*+$/.test(l));
    const message = `${tool} exited ${r.exitCode}: ${said.join(' ').slice(0, 300)}`;
    problem = fail(
      /does not contain a recognized partition table/.test(r.stderr)
        ? 'disk.no-partition-table'
        : 'disk.partition-table-failed',
      message,
    );
  }
  return { r, run, fail, problem };
};

const invalid = (message: string, tool: 'sfdisk' | 'sgdisk'): Failed => ({
  outcome: 'failed',
  error: { code: 'disk.invalid-argument', message },
  tool,
  version: 'unknown',
  features: [],
  exitCode: undefined,
  durationMs: 0,
});

const absolute = (path: string, what: string, tool: 'sfdisk' | 'sgdisk'): Failed | undefined =>
  path.startsWith('/') ? undefined : invalid(`${what} ${quote(path)} must be an absolute path`, tool);

/** `sfdisk -d DEVICE`: the whole table (MBR or GPT) as a re-playable dump. */
export const readPartitionTable = async (
  device: string,
  options: DiskToolOptions = {},
): Promise<ToolResult<PartitionTable>> => {
  const bad = absolute(device, 'device', 'sfdisk');
  if (bad) return bad;
  const { r, run, fail, problem } = await runTool('sfdisk', ['--dump', device], options);
  if (problem) return problem;
  const table = parseSfdiskDump(r.stdout);
  return table
    ? { outcome: 'ok', value: table, ...run }
    : fail('disk.partition-table-failed', 'sfdisk printed no readable dump');
};

/**
 * Writes a dump from `readPartitionTable` to DEVICE (the kernel is not asked to re-read: image files have
 * no kernel view), then reads the table back and compares the layout.
 */
export const writePartitionTable = async (
  device: string,
  dump: string,
  options: DiskToolOptions = {},
): Promise<ToolResult<PartitionTable>> => {
  const bad = absolute(device, 'device', 'sfdisk');
  if (bad) return bad;
  const wanted = parseSfdiskDump(dump);
  if (!wanted) return invalid('the partition table to write is not an sfdisk dump', 'sfdisk');
  const { problem } = await runTool('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', device], {
    ...options,
    input: dump,
  });
  if (problem) return problem;
  const back = await readPartitionTable(device, options);
  if (back.outcome !== 'ok') return back;
  if (!sameLayout(wanted, back.value)) {
    return {
      ...back,
      outcome: 'failed',
      error: {
        code: 'disk.partition-table-mismatch',
        message: `the table read back from ${quote(device, 200)} differs from the dump`,
      },
    };
  }
  return back;
};

/** `sgdisk --backup=FILE DEVICE`: GPT headers and entries, both copies. Refuses MBR disks (sgdisk would convert them). */
export const backupGpt = async (
  device: string,
  file: string,
  options: DiskToolOptions = {},
): Promise<ToolResult<string>> => {
  const bad = absolute(device, 'device', 'sgdisk') ?? absolute(file, 'backup file', 'sgdisk');
  if (bad) return bad;
  const { r, run, fail, problem } = await runTool('sgdisk', [`--backup=${file}`, device], options);
  if (problem) return problem;
  if (/converting MBR to GPT/.test(r.stdout) || /Found invalid GPT and valid MBR/.test(r.stdout)) {
    await rm(file, { force: true });
    return fail(
      'disk.not-gpt',
      `${quote(device, 200)} has an MBR partition table, not GPT: use the sfdisk dump`,
    );
  }
  return { outcome: 'ok', value: file, ...run };
};

/** `sgdisk --load-backup=FILE DEVICE`: writes a GPT backup back. */
export const loadGptBackup = async (
  device: string,
  file: string,
  options: DiskToolOptions = {},
): Promise<ToolResult<string>> => {
  const bad = absolute(device, 'device', 'sgdisk') ?? absolute(file, 'backup file', 'sgdisk');
  if (bad) return bad;
  const { run, problem } = await runTool('sgdisk', [`--load-backup=${file}`, device], options);
  if (problem) return problem;
  return { outcome: 'ok', value: device, ...run };
};
