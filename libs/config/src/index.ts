export { ConfigError } from './env/config-error';
export { readConfig, intVar, boolVar } from './env/read-config';
export type { Env, Fragment } from './env/read-config';
export { kafkaConfig, redisConfig, postgresConfig, pepperConfig, serviceConfig } from './fragments/infrastructure';
export { loadOperatorLinks, DEFAULT_OPERATORS_FILE, isClientLink, isServerLink } from './operators/operator-links';
export type { OperatorLink, OperatorLinks, OperatorLinkSettings, ClientOperatorLink, ServerOperatorLink } from './operators/operator-links';
export { PeerAllowlist, parseIpAddress, allowlistProblems } from './operators/peer-allowlist';
export { OperatorBindGuard } from './operators/operator-bind-guard';
export type { BindRefusalReason, OperatorBindVerdict, OperatorBindAttempt } from './operators/operator-bind-guard';
