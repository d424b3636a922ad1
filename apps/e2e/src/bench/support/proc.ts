/**
 * What the benchmarks and the soak read from Linux's /proc: a process's resident memory and CPU
 * time, the infrastructure's CPU time, the load average and the core count. One copy for every
 * script under apps/e2e (libs/messaging's broker helper keeps its own scan of command lines: a
 * lib may not import an app).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A `kB` field of /proc/<pid>/status, in kB; 0 when the field is missing. */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/** Resident memory now, kB (VmRSS). */
export function rssKb(pid: number): number {
  return statusKb(pid, 'VmRSS');
}

/** Peak resident memory since the process started, kB (VmHWM). */
export function peakRssKb(pid: number): number {
  return statusKb(pid, 'VmHWM');
}

interface Stat {
  /** The executable's name as the kernel keeps it (`comm`, at most 15 characters). */
  comm: string;
  /** The fields after `comm`: [0] is the state, [11] utime, [12] stime, [13] cutime, [14] cstime. */
  fields: string[];
}

/** /proc/<pid>/stat split around `comm`, which may itself hold spaces and parentheses. */
function readStat(pid: number | string): Stat {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), fields: stat.slice(stat.lastIndexOf(') ') + 2).split(' ') };
}

/** utime + stime of a stat's fields, seconds; with `children`, also cutime + cstime (its ended children's). */
function secondsOf(f: string[], children: boolean): number {
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  return secondsOf(readStat(pid).fields, false);
}

/** True when the process is the Kafka broker's JVM (its command line names kafka.Kafka). */
function isKafkaBroker(pid: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return false;
  }
}

export type InfraCpu = Record<'redis' | 'postgres' | 'kafka', number>;

/**
 * CPU seconds of Redis, PostgreSQL (the postmaster counts its ended backends) and Kafka (the JVM)
 * so far. They are shared with whatever else runs on the machine, so a pass's share is indicative.
 */
export function infraCpuSeconds(): InfraCpu {
  const out = { redis: 0, postgres: 0, kafka: 0 };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: Stat;
    try {
      stat = readStat(pid);
    } catch {
      continue;
    }
    const kind = stat.comm === 'redis-server' ? 'redis' : stat.comm === 'postgres' ? 'postgres' : stat.comm === 'java' ? 'kafka' : null;
    if (!kind) continue;
    // Other JVMs (builds, tools) come and go; only the broker counts.
    if (kind === 'kafka' && !isKafkaBroker(pid)) continue;
    out[kind] += secondsOf(stat.fields, true);
  }
  return out;
}

/** The infrastructure's CPU since `before`, as the benchmarks print it. */
export function infraCpuSince(before: InfraCpu): string {
  const now = infraCpuSeconds();
  return `redis ${(now.redis - before.redis).toFixed(1)} s, postgres ${(now.postgres - before.postgres).toFixed(1)} s, kafka ${(now.kafka - before.kafka).toFixed(1)} s`;
}

/** The 1, 5 and 15 minute load averages, space-separated. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Logical cores, or '?' when /proc/cpuinfo lists none. */
export function coreCount(): number | '?' {
  return readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?';
}
