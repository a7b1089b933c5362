import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of sibling workspaces, not their dist/ builds.
const src = (pkg: string) => fileURLToPath(new URL(`./${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@lifeboat/core': src('core'),
      '@lifeboat/validators': src('validators'),
      '@lifeboat/runners': src('runners'),
      // Before '@lifeboat/bot', which would otherwise take this subpath as a prefix.
      '@lifeboat/bot/records': fileURLToPath(new URL('./bot/src/records/index.ts', import.meta.url)),
      '@lifeboat/bot': src('bot'),
      '@lifeboat/docs-site': src('docs-site'),
      '@lifeboat/test-support': src('test-support'),
    },
  },
  test: {
    include: ['*/src/**/*.test.ts', 'bench/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
