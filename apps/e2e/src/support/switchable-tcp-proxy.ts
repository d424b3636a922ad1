import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export type ProxyState = 'up' | 'down';

/** Where a running proxy can be found: written by global setup, read by specs (another module registry, maybe another process). */
export interface ProxyHandleFile {
  port: number;
  controlUrl: string;
}

/**
 * A TCP relay that can be made to fail like a dead database server: "down" resets every live
 * connection and every new one, "up" relays again. It lets the e2e suite take PostgreSQL away from
 * one service without touching the machine's PostgreSQL, which other suites share.
 *
 * Control is over HTTP (`POST /up`, `POST /down`, `GET /`) because global setup, where the proxy
 * lives, and the specs do not share module state.
 */
export class SwitchableTcpProxy {
  private readonly server: Server;
  private readonly control: HttpServer;
  private readonly live = new Set<{ client: Socket; upstream: Socket }>();
  private state: ProxyState = 'up';

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
    this.control = createHttpServer((req, res) => {
      const route = `${req.method} ${req.url}`;
      if (route === 'POST /up' || route === 'POST /down') {
        this.setState(route === 'POST /up' ? 'up' : 'down');
      } else if (route !== 'GET /') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ state: this.state, live: this.live.size }));
    });
  }

  async listen(): Promise<ProxyHandleFile> {
    const port = await listenOn(this.server);
    const controlPort = await listenOn(this.control);
    return { port, controlUrl: `http://127.0.0.1:${controlPort}` };
  }

  setState(state: ProxyState): void {
    this.state = state;
    if (state === 'down') for (const pair of [...this.live]) this.cut(pair);
  }

  async close(): Promise<void> {
    this.setState('down');
    await Promise.all([this.server, this.control].map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  private accept(client: Socket): void {
    if (this.state === 'down') {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.live.add(pair);
    const done = () => this.cut(pair);
    for (const s of [client, upstream]) {
      s.on('error', done);
      s.on('close', done);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** A reset, not a FIN: the client must see the connection die, as when a server crashes. */
  private cut(pair: { client: Socket; upstream: Socket }): void {
    if (!this.live.delete(pair)) return;
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    pair.upstream.destroy();
  }
}

function listenOn(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function writeProxyHandle(file: string, handle: ProxyHandleFile): void {
  writeFileSync(file, JSON.stringify(handle));
}

/** Switches the proxy named in `file` and resolves once every live connection has been cut (for "down"). */
export async function switchProxy(file: string, state: ProxyState): Promise<{ state: ProxyState; live: number }> {
  const { controlUrl } = JSON.parse(readFileSync(file, 'utf8')) as ProxyHandleFile;
  const res = await fetch(`${controlUrl}/${state}`, { method: 'POST' });
  if (!res.ok) throw new Error(`proxy control answered ${res.status}`);
  return (await res.json()) as { state: ProxyState; live: number };
}
