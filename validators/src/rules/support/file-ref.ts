import { type LoadedDocument, locate, type PathSegment, quote } from '@lifeboat/core';

// Messages that point at another file ("already defined at sites/lisle.yaml:4") share one format.

/** Plain text when it is made of ordinary path characters, quoted (escaped, capped) otherwise. */
export const plainOrQuoted = (text: string): string => (/^[\w./@+:-]*$/.test(text) ? text : quote(text, 120));

/** A file name for a message: inventory paths are repository paths, but a name can hold anything. */
export const fileName = (file: string): string => plainOrQuoted(file);

/** `file:line` of a node, quoted only when the file name holds characters worth escaping. */
export const fileRef = (document: LoadedDocument, path: readonly PathSegment[]): string =>
  plainOrQuoted(`${document.file}:${locate(document, path).line}`);
