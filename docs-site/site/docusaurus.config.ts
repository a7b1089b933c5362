import type { Config } from '@docusaurus/types';

// The runbook site: docs only (served from the site root), generated pages in ./docs, offline search, Mermaid.
// Nothing here fetches from the network at runtime (no fonts, analytics or Algolia): the browser test runs offline.

// Empty means unset (a workflow passes empty outputs on pull requests). GitHub Pages serves the site under /<repo>/; the workflow passes the origin and base path from configure-pages.
const url = process.env.LIFEBOAT_DOCS_URL || 'http://127.0.0.1';
const rawBase = process.env.LIFEBOAT_DOCS_BASE_URL || '/';
const baseUrl = rawBase.endsWith('/') ? rawBase : `${rawBase}/`;
// `lifeboat docs` generates into ./docs; tests and benches generate elsewhere and point here (absolute path).
const docsDir = process.env.LIFEBOAT_DOCS_DIR || 'docs';

const config: Config = {
  title: 'Lifeboat runbooks',
  tagline: 'How every site is backed up, and how to get it back',
  url,
  baseUrl,
  favicon: 'img/favicon.svg',
  trailingSlash: false,
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',
  noIndex: true,
  i18n: { defaultLocale: 'en', locales: ['en'] },
  markdown: {
    format: 'detect',
    mermaid: true,
    hooks: { onBrokenMarkdownLinks: 'throw', onBrokenMarkdownImages: 'throw' },
  },
  presets: [
    [
      'classic',
      {
        docs: {
          path: docsDir,
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
          showLastUpdateTime: false,
          showLastUpdateAuthor: false,
        },
        blog: false,
        pages: false,
        sitemap: false,
        theme: { customCss: './src/css/custom.css' },
      },
    ],
  ],
  themes: [
    '@docusaurus/theme-mermaid',
    [
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        indexBlog: false,
        indexPages: false,
        docsRouteBasePath: '/',
        docsDir,
        language: ['en'],
        highlightSearchTermsOnTargetPage: false,
        explicitSearchResultPath: true,
        // Pages say noindex (internal runbooks stay out of web search engines); our own search must still index them.
        forceIgnoreNoIndex: true,
      },
    ],
  ],
  themeConfig: {
    colorMode: { respectPrefersColorScheme: true },
    navbar: {
      title: 'Lifeboat runbooks',
      items: [
        { to: '/status', label: 'Status', position: 'left' },
        { to: '/troubleshooting', label: 'Troubleshooting', position: 'left' },
        { to: '/new-hire', label: 'New here?', position: 'left' },
      ],
    },
    footer: {
      style: 'light',
      copyright: 'Generated from the inventory in git by `lifeboat docs`. Do not edit pages by hand.',
    },
    mermaid: { theme: { light: 'neutral', dark: 'dark' } },
    prism: { additionalLanguages: ['bash', 'yaml'] },
  },
};

// biome-ignore lint/style/noDefaultExport: Docusaurus loads its config through the module's default export.
export default config;
