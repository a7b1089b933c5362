import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

// A tiny static file server for the built site (`lifeboat docs --serve` and the browser test): loopback only,
// GET/HEAD only, nothing outside the site directory, Docusaurus's clean URLs (/a → a.html or a/index.html).

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

const LOOPBACK: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

export const contentType = (file: string): string =>
  TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

export interface StaticServerOptions {
  /** The built site (docusaurus build's out dir). */
  dir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback addresses are allowed (default 127.0.0.1). */
  host?: '127.0.0.1' | '::1' | 'localhost';
}

export interface StaticServer {
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  port: number;
  close: () => Promise<void>;
}

const isFile = (file: string): Promise<boolean> =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** The file a URL path names inside root, or undefined when it names nothing there (or tries to leave it). */
export const resolveRequestPath = async (
  root: string,
  urlPath: string,
): Promise<string | 'forbidden' | undefined> => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return 'forbidden';
  }
  if (decoded.includes('\0')) return 'forbidden';
  // Resolve against root and refuse anything that ends up outside it (`..`, encoded `%2e%2e`, `//etc`).
  const target = path.resolve(root, `./${decoded}`);
  if (target !== root && !target.startsWith(root + path.sep)) return 'forbidden';
  const candidates = decoded.endsWith('/')
    ? [path.join(target, 'index.html')]
    : [target, `${target}.html`, path.join(target, 'index.html')];
  for (const candidate of candidates) {
    if (!(await isFile(candidate))) continue;
    // A symlink inside the site must not lead outside it either.
    const real = await realpath(candidate);
    if (!real.startsWith(root + path.sep)) return 'forbidden';
    return real;
  }
  return undefined;
};

const send = (res: ServerResponse, status: number, text: string) => {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
};

const handle = async (root: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  const urlPath = (req.url ?? '/').split(/[?#]/)[0] ?? '/';
  const found = await resolveRequestPath(root, urlPath);
  if (found === 'forbidden') return send(res, 403, 'forbidden\n');
  let status = 200;
  let file = found;
  if (file === undefined) {
    status = 404;
    file = path.join(root, '404.html');
    if (!(await isFile(file))) return send(res, 404, 'not found\n');
  }
  const size = (await stat(file)).size;
  res.writeHead(status, {
    'content-type': contentType(file),
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
};

/** Serve `dir` on loopback until close() is called. */
export const serveStatic = async (options: StaticServerOptions): Promise<StaticServer> => {
  const root = await realpath(path.resolve(options.dir));
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.includes(host)) throw new Error(`serveStatic binds loopback only, not ${host}`);
  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  // Idle keep-alive sockets would otherwise hold close() open.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
