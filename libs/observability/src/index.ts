export { createLogger, silentLogger } from './logging/logger';
export type { Logger, LoggerOptions } from './logging/logger';
export { MetricsRegistry, LATENCY_BUCKETS } from './metrics/metrics-registry';
export { HealthRegistry } from './health/health-registry';
export { exposeHealthChecks } from './health/health-metrics';
export type { HealthCheck, HealthReport } from './health/health-registry';
export { ObservabilityModule } from './nest/observability.module';
export type { ObservabilityModuleOptions } from './nest/observability.module';
export { LOGGER } from './nest/observability.tokens';
