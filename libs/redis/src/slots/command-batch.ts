import type { Cluster } from 'ioredis';
import { isCluster, type RedisClient } from '../client/redis-client';
import { readMany } from './read-many';

/** What a pipeline answers: per command, its error or its reply, in order. */
export type BatchResults = Array<[Error | null, unknown]>;

/**
 * The commands Parchee sends in batches, as a pipeline has them: queued, then sent by `exec`, each
 * answered in order. Every command but MGET must touch keys of one slot (a script's KEYS
 * included: see slotChunks); MGET may name keys of any slots.
 */
export interface CommandBatch {
  time(): CommandBatch;
  mget(keys: string[]): CommandBatch;
  set(key: string, value: string, expiry: 'EX' | 'PX', ttl: number): CommandBatch;
  incrby(key: string, increment: number): CommandBatch;
  pexpire(key: string, ms: number): CommandBatch;
  pexpireat(key: string, at: number): CommandBatch;
  pfcount(key: string): CommandBatch;
  /** Any command by name (EVAL, PFADD with its members), its arguments in one array. */
  call(command: string, args: Array<string | number>): CommandBatch;
  exec(): Promise<BatchResults | null>;
}

/**
 * A batch of commands for `redis`: its pipeline on one server. On a cluster, where a pipeline may
 * only hold keys of one node, each command is sent by itself when the batch is executed, all in
 * the same turn, and the client's auto-pipelining gathers them into one pipeline per node (what a
 * pipeline gives one server); an MGET is split by slot (readMany). The answers come back as a
 * pipeline's would, in order, so the caller's code is the same for both.
 */
export function commandBatch(redis: Pick<RedisClient, 'pipeline'>): CommandBatch {
  return isCluster(redis) ? new ClusterBatch(redis) : redis.pipeline();
}

class ClusterBatch implements CommandBatch {
  private readonly queued: Array<() => Promise<unknown>> = [];

  constructor(private readonly cluster: Cluster) {}

  time(): CommandBatch {
    return this.add(() => this.cluster.time());
  }

  mget(keys: string[]): CommandBatch {
    return this.add(() => readMany(this.cluster, keys));
  }

  set(key: string, value: string, expiry: 'EX' | 'PX', ttl: number): CommandBatch {
    return this.add(() => (expiry === 'EX' ? this.cluster.set(key, value, 'EX', ttl) : this.cluster.set(key, value, 'PX', ttl)));
  }

  incrby(key: string, increment: number): CommandBatch {
    return this.add(() => this.cluster.incrby(key, increment));
  }

  pexpire(key: string, ms: number): CommandBatch {
    return this.add(() => this.cluster.pexpire(key, ms));
  }

  pexpireat(key: string, at: number): CommandBatch {
    return this.add(() => this.cluster.pexpireat(key, at));
  }

  pfcount(key: string): CommandBatch {
    return this.add(() => this.cluster.pfcount(key));
  }

  call(command: string, args: Array<string | number>): CommandBatch {
    return this.add(() => this.cluster.call(command, args));
  }

  async exec(): Promise<BatchResults> {
    // Started in one synchronous loop: the same turn, so auto-pipelining groups them per node.
    const replies = this.queued.map((send) =>
      send().then(
        (reply): [Error | null, unknown] => [null, reply],
        (err: unknown): [Error | null, unknown] => [err instanceof Error ? err : new Error(String(err)), null],
      ),
    );
    return Promise.all(replies);
  }

  private add(send: () => Promise<unknown>): CommandBatch {
    this.queued.push(send);
    return this;
  }
}
