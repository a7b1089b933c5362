// Every problem code lifeboat emits, with its cause and fix: formatters link to it, the docs site renders it.

export interface CatalogueEntry {
  title: string;
  cause: string;
  fix: string;
}

/** Codes core itself emits; validators and runners merge theirs into one catalogue. */
export const CORE_CATALOGUE: Readonly<Record<string, CatalogueEntry>> = {
  'yaml.syntax': {
    title: 'YAML syntax error',
    cause: 'The file is not well-formed YAML (bad indentation, unclosed bracket or quote, tab indentation).',
    fix: 'Fix the syntax at the reported position; indent with spaces only.',
  },
  'yaml.duplicate-key': {
    title: 'Duplicate key',
    cause: 'The same key appears twice in one mapping; YAML would silently keep only one of them.',
    fix: 'Remove or rename one of the keys.',
  },
  'yaml.multiple-documents': {
    title: 'More than one document',
    cause: 'The file holds several YAML documents separated by `---`.',
    fix: 'Put each object in its own file.',
  },
  'yaml.unknown-tag': {
    title: 'Unknown YAML tag',
    cause: 'A custom tag such as `!!js/function` or `!include` is used; lifeboat data is plain YAML.',
    fix: 'Remove the tag and write the value itself.',
  },
  'yaml.bad-alias': {
    title: 'Undefined alias',
    cause: 'An alias (`*name`) refers to an anchor that is not defined before it.',
    fix: 'Define the anchor first or write the value in full.',
  },
  'yaml.alias-limit': {
    title: 'Alias expansion too large',
    cause: 'Aliases expand to more nodes than allowed (a "billion laughs" resource-exhaustion pattern).',
    fix: 'Write the values out instead of nesting aliases.',
  },
  'yaml.too-deep': {
    title: 'Nesting too deep',
    cause: 'Mappings and lists are nested deeper than any lifeboat object needs.',
    fix: 'Flatten the structure; lifeboat objects are at most a few levels deep.',
  },
  'yaml.too-large': {
    title: 'File too large',
    cause: 'The file exceeds the size limit for one inventory file (1 MiB).',
    fix: 'Split it: one object per file. Large generated data does not belong in the inventory.',
  },
  'yaml.not-utf8': {
    title: 'Not UTF-8',
    cause: 'The file contains bytes that are not valid UTF-8 (often a Latin-1 or UTF-16 editor setting).',
    fix: 'Re-save the file as UTF-8.',
  },
  'yaml.binary': {
    title: 'Binary content',
    cause: 'The file contains control characters such as NUL; it is probably not a text file.',
    fix: 'Remove the file or replace it with the intended YAML.',
  },
  'yaml.empty': {
    title: 'Empty file',
    cause: 'The file has no content (or only comments).',
    fix: 'Add the object or delete the file.',
  },
  'schema.not-a-mapping': {
    title: 'Document is not a mapping',
    cause: 'The top level is a list or a scalar instead of apiVersion/kind/metadata/spec.',
    fix: 'Start from an example in the same folder.',
  },
  'schema.api-version': {
    title: 'Wrong apiVersion',
    cause: 'apiVersion is missing or not `lifeboat/v1`.',
    fix: 'Set `apiVersion: lifeboat/v1`.',
  },
  'schema.kind': {
    title: 'Unknown kind',
    cause: 'kind is missing or not one of Site, BackupPolicy, Image.',
    fix: 'Set the kind that matches the folder the file is in.',
  },
  'schema.unknown-key': {
    title: 'Unknown key',
    cause:
      'A key the schema does not define, usually a typo; unknown keys would otherwise be silently ignored.',
    fix: 'Correct the spelling (the message suggests the nearest key) or remove it.',
  },
  'schema.required': {
    title: 'Missing required key',
    cause: 'A key the object needs is absent.',
    fix: 'Add the key; the JSON Schema in schemas/ documents each one.',
  },
  'schema.type': {
    title: 'Wrong type',
    cause: 'A value has the wrong type, e.g. text where a number is expected.',
    fix: 'Write the value with the expected type (numbers unquoted, lists with `- `).',
  },
  'schema.enum': {
    title: 'Value not allowed',
    cause: 'A value is not one of the allowed words.',
    fix: 'Use one of the values listed in the message.',
  },
  'schema.pattern': {
    title: 'Value has the wrong form',
    cause: 'A value does not match the required format (names, durations, paths, ids).',
    fix: 'Follow the format named in the message.',
  },
  'schema.duplicate-item': {
    title: 'Duplicate list item',
    cause: 'A list that must hold distinct items repeats one.',
    fix: 'Remove the repeated item.',
  },
  'schema.value': {
    title: 'Value out of range',
    cause: 'A number, string or list is outside its allowed range or length.',
    fix: 'Use a value inside the range given in the message.',
  },
  'inventory.wrong-folder': {
    title: 'Object in the wrong folder',
    cause: 'Sites live in sites/, policies in policies/, images in images/.',
    fix: 'Move the file to the folder for its kind.',
  },
  'inventory.schema-header': {
    title: 'Missing editor schema line',
    cause:
      'The file does not start with its `# yaml-language-server: $schema=` line, so editors cannot check it.',
    fix: 'Add the line shown in the message as the first line.',
  },
  'inventory.outside-root': {
    title: 'Link outside the inventory',
    cause: 'A file in the inventory is a symbolic link to a path outside the repository.',
    fix: 'Replace the link with the file itself.',
  },
  'inventory.unreadable': {
    title: 'Unreadable file',
    cause: 'The file could not be read (permissions or I/O error).',
    fix: 'Check the file permissions.',
  },
};
