import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that answers from a script, for unit tests of the HTTP client and the
 * token provider: each request is recorded (method, path, headers, body, arrival time) and answered by
 * the next scripted reply, or by the last one once the script runs out.
 */

export type FixedReply =
  | { status: number; body?: string | object; headers?: Record<string, string | string[]> }
  | 'destroy'
  | 'hang';

/** A fixed reply, or one worked out from the request (its path with the query, and its body). */
export type Reply = FixedReply | ((request: ReceivedRequest) => FixedReply);

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: number;
}

export interface ScriptedServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Replace the script; replies are used in order, the last one repeats. */
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  let replies: Reply[] = [{ status: 200, body: {} }];
  let next = 0;
  const received: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      received.push(seen);
      const scripted = replies[Math.min(next, replies.length - 1)]!;
      next += 1;
      const reply = typeof scripted === 'function' ? scripted(seen) : scripted;
      if (reply === 'destroy') {
        request.socket.destroy();
        return;
      }
      if (reply === 'hang') {
        hanging.add(response);
        return;
      }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script(...newReplies: Reply[]) {
      replies = newReplies;
      next = 0;
      received.length = 0;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SilentServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A host that takes the connection and never answers, as one behind a firewall that drops packets
 * looks to a client (it never refuses): only a time limit ends a request to it.
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
