/** A dependency the service needs to do useful work: a bind, the broker, the cache, the database. */
export interface HealthCheck {
  name: string;
  /** Resolves true when usable. Must answer quickly; the registry bounds it anyway. */
  check(): Promise<boolean> | boolean;
}

export interface HealthReport {
  ready: boolean;
  checks: Record<string, boolean>;
}

export class HealthRegistry {
  private readonly checks: HealthCheck[] = [];

  constructor(private readonly timeoutMs = 1000) {}

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(this.checks.map(async (c) => [c.name, await this.bounded(c)] as const));
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, ok]) => ok), checks };
  }

  private async bounded(check: HealthCheck): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
