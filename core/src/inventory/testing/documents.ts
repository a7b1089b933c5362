import { schemaHeader } from '../load-inventory.js';

// Smallest valid documents of each kind, as text, so a test can break exactly one thing in them.

export const SITE = `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: lisle
spec:
  timezone: America/Chicago
  environment: office
  runner:
    labels: [lisle]
  nas: []
  access:
    approvers: []
    requesters: []
`;

export const POLICY = `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: lisle-share
spec:
  site: lisle
  dataClass: office-share
  sources:
    paths: [/srv/share]
  repository:
    target: lisle-nas
    path: share
  schedule:
    cron: "0 * * * *"
  retention:
    keepDaily: 7
`;

/** The text with its schema header, as every committed data file has. */
export const withHeader = (kind: 'Site' | 'BackupPolicy' | 'Image', file: string, text: string) =>
  `${schemaHeader(kind, file)}\n${text}`;
