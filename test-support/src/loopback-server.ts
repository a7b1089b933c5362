import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The fakes' shared server lifecycle: 127.0.0.1 on a port the OS picks, closed by close() or after an idle
// spell, so a test that forgets afterAll cannot leave a listener holding the run open.

export interface LoopbackServer {
  port: number;
  /** Resolves once the server has closed, by `close()` or by the idle timeout. */
  closed: Promise<void>;
  /** Closes the server and its keep-alive connections; safe to call twice. */
  close: () => Promise<void>;
}

/** `touch()` restarts the idle clock; every request restarts it when it arrives, a handler again when it replies. */
export type LoopbackHandler = (req: IncomingMessage, res: ServerResponse, touch: () => void) => void;

export const startLoopbackServer = async (
  idleTimeoutMs: number,
  handle: LoopbackHandler,
): Promise<LoopbackServer> => {
  let idleTimer: NodeJS.Timeout | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => {
    touch();
    handle(req, res, touch);
  });

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(idleTimer);
      server.close(() => resolve());
      // Keep-alive connections from fetch would otherwise hold close() open.
      server.closeAllConnections();
    }).then(resolveClosed);
    return closing;
  };

  function touch(): void {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), idleTimeoutMs);
    idleTimer.unref();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  touch();
  return { port: (server.address() as AddressInfo).port, closed, close };
};

/** The request body as text; rejects with `tooLarge()` (and drops the connection) past `maxBytes`. */
export const readBody = (req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
