// Bounds that keep a hostile file from exhausting memory or the stack.

export interface LoadLimits {
  /** Files larger than this are refused before parsing. */
  maxFileBytes: number;
  /** Alias dereferences allowed while building values (billion-laughs guard). */
  maxAliasCount: number;
  /** Maximum nesting of maps and sequences. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxAliasCount: 100,
  maxDepth: 32,
};
