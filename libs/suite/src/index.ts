export * from './suite-launcher';
export * from './suite-control';
export { moDedupeEnv } from './mo-dedupe-env';
