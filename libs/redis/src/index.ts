export { whenReady } from './client/when-ready';
export type { ReadyObservable } from './client/when-ready';
