// Where an image's versions live: the image's primary store is a NAS target path at this site, and a
// version is the directory `<store root>/<image>/<version>/`. Other backends hold restic repositories,
// not image files, so they are refused here with a clear message.
import { readdir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { type Image, type Inventory, quote } from '@lifeboat/core';
import type { PlannedJob } from '../../scheduler/due.js';
import type { ToolError } from '../../tools/result.js';
import type { JobContext } from '../job.js';
import { type ImageManifest, readManifest, VERSION_NAME } from './manifest.js';

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: ToolError };

const fail = <T>(code: string, message: string): Resolved<T> => ({ ok: false, error: { code, message } });

/** The image the planned job is for (its first image subject). */
export const findImage = (planned: PlannedJob, inventory: Inventory): Resolved<Image> => {
  const subject = planned.subjects.find((s) => s.kind === 'image');
  if (!subject) return fail('image.not-found', `job ${quote(planned.key)} names no image`);
  const image = inventory.images.find((i) => i.value.metadata.name === subject.name)?.value;
  return image
    ? { ok: true, value: image }
    : fail('image.not-found', `image ${quote(subject.name)} is not in the inventory`);
};

/** A relative store path with no `.`/`..` segment (the schema says so; checked again before joining). */
const safeRelative = (path: string): boolean =>
  path !== '' &&
  !isAbsolute(path) &&
  path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && /^[A-Za-z0-9._-]+$/.test(s));

/**
 * The directory holding all versions of all images of the primary store: the NAS target's local path
 * joined with the store path. `override` (tests, a mounted replica) wins.
 */
export const resolveStoreRoot = (
  image: Image,
  inventory: Inventory,
  runnerSite: string,
  override?: string,
): Resolved<string> => {
  if (override !== undefined) {
    return isAbsolute(override)
      ? { ok: true, value: override }
      : fail('image.store-unsupported', `store root ${quote(override, 200)} must be an absolute path`);
  }
  const store = image.spec.stores.primary;
  const label = `image ${quote(image.metadata.name)}: primary store ${quote(`${store.site}/${store.target}`)}`;
  const site = inventory.sites.find((s) => s.value.metadata.name === store.site)?.value;
  if (!site)
    return fail('image.store-unsupported', `${label}: site ${quote(store.site)} is not in the inventory`);
  if (store.site !== runnerSite) {
    return fail(
      'image.store-unsupported',
      `${label} is at site ${quote(store.site)}, not at this runner's site ${quote(runnerSite)}`,
    );
  }
  const target = site.spec.nas.find((n) => n.name === store.target);
  if (!target) return fail('image.store-unsupported', `${label}: no NAS target ${quote(store.target)}`);
  if (!target.repository.startsWith('/')) {
    return fail(
      'image.store-unsupported',
      `${label} is ${quote(target.repository, 120)}: image versions are stored on a local (mounted) path; offsite copies of stores are synced by a policy`,
    );
  }
  if (!safeRelative(store.path))
    return fail(
      'image.store-unsupported',
      `${label}: path ${quote(store.path)} is not a plain relative path`,
    );
  return { ok: true, value: join(target.repository, store.path) };
};

/** resolveStoreRoot as every image job calls it: for the job's inventory and this runner's site. */
export const storeRootOf = (
  image: Image,
  context: Pick<JobContext, 'inventory' | 'site'>,
  override: string | undefined,
): Resolved<string> => resolveStoreRoot(image, context.inventory, context.site.value.metadata.name, override);

export const imageDir = (storeRoot: string, image: string): string => join(storeRoot, image);

export const versionDir = (storeRoot: string, image: string, version: string): string =>
  join(storeRoot, image, version);

export interface StoredVersion {
  version: string;
  dir: string;
  manifest: ImageManifest;
}

export interface VersionListing {
  /** Complete versions, oldest capture first. */
  versions: StoredVersion[];
  /** Directories that look like versions but whose manifest is missing or invalid: never used, never deleted. */
  damaged: Array<{ name: string; error: ToolError }>;
}

/** Newer capture last; the version name breaks ties so every reader orders the same way. */
export const compareVersions = (a: StoredVersion, b: StoredVersion): number =>
  Date.parse(a.manifest.capturedAt) - Date.parse(b.manifest.capturedAt) ||
  (a.version < b.version ? -1 : a.version > b.version ? 1 : 0);

/**
 * The stored versions of an image. Names starting with a dot are work in progress (`.partial-*`,
 * `.deleting-*`) and are skipped; a manifest for another image counts as damaged.
 */
export const listVersions = async (storeRoot: string, image: string): Promise<VersionListing> => {
  const dir = imageDir(storeRoot, image);
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const listing: VersionListing = { versions: [], damaged: [] };
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || !VERSION_NAME.test(entry.name)) continue;
    const path = join(dir, entry.name);
    const read = await readManifest(path);
    if (!read.ok) listing.damaged.push({ name: entry.name, error: read.error });
    else if (read.manifest.image !== image)
      listing.damaged.push({
        name: entry.name,
        error: {
          code: 'image.manifest-invalid',
          message: `${quote(path, 200)} holds image ${quote(read.manifest.image)}, not ${quote(image)}`,
        },
      });
    else listing.versions.push({ version: entry.name, dir: path, manifest: read.manifest });
  }
  listing.versions.sort(compareVersions);
  return listing;
};

/** The manifest of one version, checked to be of this image. */
export const openVersion = async (
  storeRoot: string,
  image: string,
  version: string,
): Promise<Resolved<StoredVersion>> => {
  if (!VERSION_NAME.test(version))
    return fail('image.version-missing', `${quote(version)} is not a version name`);
  const dir = versionDir(storeRoot, image, version);
  const read = await readManifest(dir);
  if (!read.ok) {
    return read.error.code === 'image.version-missing'
      ? fail(
          'image.version-missing',
          `image ${quote(image)} has no stored version ${quote(version)} in ${quote(storeRoot, 200)}`,
        )
      : { ok: false, error: read.error };
  }
  if (read.manifest.image !== image)
    return fail(
      'image.manifest-invalid',
      `${quote(dir, 200)} holds image ${quote(read.manifest.image)}, not ${quote(image)}`,
    );
  return { ok: true, value: { version, dir, manifest: read.manifest } };
};

/** The real path of `path`, or of its directory joined with its name when it does not exist yet. */
const realOrPlanned = async (path: string): Promise<string> =>
  realpath(path).catch(async () =>
    join(await realpath(dirname(path)).catch(() => dirname(path)), basename(path)),
  );

/** `path` is `parent` or lies under it, symlinks resolved: a restore target must never be in the image store. */
export const isInside = async (path: string, parent: string): Promise<boolean> => {
  const rel = relative(await realOrPlanned(parent), await realOrPlanned(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};
