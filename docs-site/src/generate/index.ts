// The generator's public surface: pages from the inventory, runbooks and run records.
export { expandRunbook, remarkLifeboatDirectives } from '../remark/directives.js';
export {
  buildPages,
  FIXED_EPOCH,
  type GenerateDocsOptions,
  type GenerateDocsResult,
  generateDocs,
} from './generate-docs.js';
export { describeCron } from './words/cron-words.js';
export { describeRetention } from './words/retention-words.js';
