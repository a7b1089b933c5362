// Slack's Socket Mode on loopback: the fake Web API's apps.connections.open hands out single-use ws:// URLs to
// this WebSocket server, which says hello, pushes envelopes and collects the app's acks, so tests drive Bolt's
// real SocketModeClient (reconnects included) instead of calling listeners directly.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket, { type Server as WsServer } from 'ws';
import {
  type BlockActionsFields,
  blockActionsBody,
  type SlashCommandFields,
  slashCommandBody,
  type ViewSubmissionFields,
  viewSubmissionBody,
} from './slack-signing.js';

// ws 7 at runtime hangs the server off the default export; @types/ws 8 types it only as a named export.
const { Server: WebSocketServer } = WebSocket as unknown as { Server: typeof WsServer };

/** The envelope kinds Slack sends over the socket. */
export type SocketEnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface FakeSocketConnection {
  /** 1, 2, … in the order the app connected. */
  id: number;
  openedAt: number;
  closedAt?: number;
  closeCode?: number;
  /** Envelope ids pushed on this connection, oldest first. */
  envelopes: string[];
}

/** The app's acknowledgement of one envelope. */
export interface SocketAck {
  envelopeId: string;
  /** What the app put in the ack (`{}` for a bare ack()); absent when the ack had no payload at all. */
  payload?: Record<string, unknown>;
  /** Envelope sent → ack received, in milliseconds. */
  ms: number;
  connection: number;
}

export interface SendEnvelopeOptions {
  /** Reuse an id to replay an envelope as Slack does when it thinks an ack was lost. */
  envelopeId?: string;
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
  /** Reject when no ack came by then. Default 3000 ms, Slack's ack window. */
  ackTimeoutMs?: number;
  /** Connection id to send on; default the newest open one. */
  connection?: number;
}

export interface FakeSlackSocketOptions {
  appToken?: string;
  appId?: string;
  /** How long a URL from apps.connections.open stays usable (single use either way). Default 30 s. */
  ticketTtlMs?: number;
  /** After a `disconnect` message, close the socket ourselves if the app has not within this. Default 5 s. */
  disconnectGraceMs?: number;
  /** Close after this long without traffic. Default 60 s. */
  idleTimeoutMs?: number;
}

export interface FakeSlackSocket {
  /** The app-level token apps.connections.open accepts. */
  appToken: string;
  appId: string;
  /** A fresh single-use `ws://127.0.0.1:…/link/?ticket=…` URL (what apps.connections.open returns). */
  openUrl: () => string;
  /** Every connection that said hello, oldest first. */
  connections: FakeSocketConnection[];
  /** Upgrades refused for an unknown, used or expired ticket. */
  refused: number;
  /** Every frame the app sent, parsed, oldest first. */
  received: unknown[];
  openConnections: () => FakeSocketConnection[];
  /** Waits until `n` connections have ever been made and the newest is open. */
  waitForConnections: (n: number, ms?: number) => Promise<FakeSocketConnection>;
  /** Push an envelope and wait for its ack. */
  send: (
    type: SocketEnvelopeType,
    payload: Record<string, unknown>,
    o?: SendEnvelopeOptions,
  ) => Promise<SocketAck>;
  /** A slash command envelope, fields as Slack documents them. */
  slashCommand: (f: SlashCommandFields, o?: SendEnvelopeOptions) => Promise<SocketAck>;
  /** An `interactive` envelope carrying a block_actions payload. */
  blockActions: (f: BlockActionsFields, o?: SendEnvelopeOptions) => Promise<SocketAck>;
  /** An `interactive` envelope carrying a view_submission payload. */
  viewSubmission: (f: ViewSubmissionFields, o?: SendEnvelopeOptions) => Promise<SocketAck>;
  /** Ask every open connection to reconnect (`refresh_requested`); resolves once they have closed. */
  disconnect: (reason?: string) => Promise<void>;
  close: () => Promise<void>;
}

/** The JSON object in a `payload=` form body, as the socket carries it unwrapped. */
const formPayload = (body: string): Record<string, unknown> =>
  JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>;

const textOf = (data: unknown): string => {
  if (typeof data === 'string') return data; // ws 7 gives text frames as strings
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return '';
};

interface Waiter {
  sentAt: number;
  connection: number;
  resolve: (a: SocketAck) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Start the Socket Mode server on 127.0.0.1 with an OS-chosen port. */
export const startFakeSlackSocket = async (
  options: FakeSlackSocketOptions = {},
): Promise<FakeSlackSocket> => {
  const appToken = options.appToken ?? 'xapp-1-A0LIFEBOAT-1-test';
  const appId = options.appId ?? 'A0LIFEBOAT';
  const ticketTtlMs = options.ticketTtlMs ?? 30_000;
  const graceMs = options.disconnectGraceMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const tickets = new Map<string, number>();
  const connections: FakeSocketConnection[] = [];
  const sockets = new Map<number, WebSocket>();
  const received: unknown[] = [];
  const waiters = new Map<string, Waiter[]>();
  let refused = 0;
  let closing: Promise<void> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    // Slack's URLs are single-use tickets; a reconnect must ask apps.connections.open again.
    verifyClient: ({ req }: { req: { url?: string } }) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = u.searchParams.get('ticket') ?? '';
      const until = tickets.get(ticket);
      tickets.delete(ticket);
      const ok = u.pathname === '/link/' && until !== undefined && Date.now() <= until;
      if (!ok) refused += 1;
      return ok;
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;

  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), idleTimeoutMs);
    idleTimer.unref();
  };

  const onAck = (conn: FakeSocketConnection, frame: unknown) => {
    if (typeof frame !== 'object' || frame === null) return;
    const { envelope_id: id, payload } = frame as { envelope_id?: unknown; payload?: unknown };
    if (typeof id !== 'string') return;
    const w = waiters.get(id)?.shift();
    if (!w) return; // an ack for nothing pending: recorded in `received`, otherwise ignored as Slack does
    clearTimeout(w.timer);
    const ack: SocketAck = { envelopeId: id, ms: performance.now() - w.sentAt, connection: conn.id };
    if (typeof payload === 'object' && payload !== null) ack.payload = payload as Record<string, unknown>;
    w.resolve(ack);
  };

  server.on('connection', (ws: WebSocket) => {
    touch();
    const conn: FakeSocketConnection = { id: connections.length + 1, openedAt: Date.now(), envelopes: [] };
    connections.push(conn);
    sockets.set(conn.id, ws);
    ws.on('message', (data: unknown) => {
      touch();
      let frame: unknown;
      try {
        frame = JSON.parse(textOf(data));
      } catch {
        frame = { unparsable: textOf(data) };
      }
      received.push(frame);
      onAck(conn, frame);
    });
    ws.on('close', (code: number) => {
      conn.closedAt = Date.now();
      conn.closeCode = code;
      sockets.delete(conn.id);
    });
    ws.on('error', () => undefined);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: sockets.size,
        debug_info: { host: `applink-fake-${conn.id}`, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
  });

  const openConnections = () => connections.filter((c) => c.closedAt === undefined);

  const send: FakeSlackSocket['send'] = (type, payload, o = {}) => {
    touch();
    const open = openConnections();
    const conn = o.connection === undefined ? open[open.length - 1] : open.find((c) => c.id === o.connection);
    const ws = conn ? sockets.get(conn.id) : undefined;
    if (!conn || !ws || ws.readyState !== WebSocket.OPEN)
      return Promise.reject(new Error('fake Slack socket: no open Socket Mode connection to send on'));
    const envelopeId = o.envelopeId ?? randomUUID();
    const acceptsResponsePayload =
      o.acceptsResponsePayload ??
      (type === 'slash_commands' ||
        (type === 'interactive' &&
          (payload.type === 'view_submission' || payload.type === 'block_suggestion')));
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: acceptsResponsePayload,
    };
    if (o.retryAttempt !== undefined) envelope.retry_attempt = o.retryAttempt;
    if (o.retryReason !== undefined) envelope.retry_reason = o.retryReason;
    const ackTimeoutMs = o.ackTimeoutMs ?? 3_000;
    return new Promise<SocketAck>((resolve, reject) => {
      const w: Waiter = {
        sentAt: performance.now(),
        connection: conn.id,
        resolve,
        reject,
        timer: setTimeout(() => {
          const list = waiters.get(envelopeId) ?? [];
          list.splice(list.indexOf(w), 1);
          reject(
            new Error(
              `fake Slack socket: envelope ${envelopeId} (${type}) not acked within ${ackTimeoutMs} ms`,
            ),
          );
        }, ackTimeoutMs),
      };
      w.timer.unref();
      waiters.set(envelopeId, [...(waiters.get(envelopeId) ?? []), w]);
      conn.envelopes.push(envelopeId);
      ws.send(JSON.stringify(envelope), (err) => {
        if (!err) return;
        clearTimeout(w.timer);
        reject(new Error(`fake Slack socket: could not send envelope: ${err.message}`));
      });
    });
  };

  const waitForConnections: FakeSlackSocket['waitForConnections'] = async (n, ms = 10_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const newest = connections[connections.length - 1];
      if (connections.length >= n && newest && newest.closedAt === undefined) return newest;
      if (Date.now() > until)
        throw new Error(`fake Slack socket: timed out after ${ms} ms waiting for connection ${n}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const disconnect: FakeSlackSocket['disconnect'] = async (reason = 'refresh_requested') => {
    touch();
    const open = openConnections().flatMap((c) => {
      const ws = sockets.get(c.id);
      return ws ? [ws] : [];
    });
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once('close', () => resolve());
            ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }));
            // Slack drops the connection itself soon after asking; so does the fake.
            setTimeout(() => ws.terminate(), graceMs).unref();
          }),
      ),
    );
  };

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(idleTimer);
      for (const list of waiters.values())
        for (const w of list) {
          clearTimeout(w.timer);
          w.reject(new Error('fake Slack socket: closed before the ack'));
        }
      waiters.clear();
      for (const ws of sockets.values()) ws.terminate();
      server.close(() => resolve());
    });
    return closing;
  };

  touch();
  return {
    appToken,
    appId,
    openUrl: () => {
      const ticket = randomBytes(16).toString('hex');
      tickets.set(ticket, Date.now() + ticketTtlMs);
      return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${appId}`;
    },
    connections,
    get refused() {
      return refused;
    },
    received,
    openConnections,
    waitForConnections,
    send,
    slashCommand: (f, o) =>
      send('slash_commands', Object.fromEntries(new URLSearchParams(slashCommandBody(f))), o),
    blockActions: (f, o) => send('interactive', formPayload(blockActionsBody(f)), o),
    viewSubmission: (f, o) => send('interactive', formPayload(viewSubmissionBody(f)), o),
    disconnect,
    close,
  };
};
