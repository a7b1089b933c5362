import { type LoadedDocument, locate, type PathSegment, quote } from '@lifeboat/core';

// Messages that point at another file ("already defined at sites/lisle.yaml:4") share one format.

/** `file:line` of a node, quoted only when the file name holds characters worth escaping. */
export const fileRef = (document: LoadedDocument, path: readonly PathSegment[]): string => {
  const ref = `${document.file}:${locate(document, path).line}`;
  return /^[\w./@+-]+:\d+$/.test(ref) ? ref : quote(ref, 120);
};
