// What each pinned partclone version can do: images pin a version, validators check against it, runners use it.

/**
 * Checksum modes (`-a N`) each partclone version can write and read back. Only verified facts: 0.3.23
 * (Debian 12) knows 0 (none) and 1 (CRC32); it prints its usage and exits 0 for -a3, and cannot restore
 * images that newer versions made with -a3. Add a version here only after checking it.
 */
export const PARTCLONE_CHECKSUM_MODES: ReadonlyMap<string, readonly number[]> = new Map([['0.3.23', [0, 1]]]);
