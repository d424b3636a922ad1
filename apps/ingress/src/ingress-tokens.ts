/** Nest injection tokens of ingress's parts (ingress.module.ts wires them). */
export const INGRESS_CONFIG = Symbol('ingress.config');
export const INGRESS_METRICS = Symbol('ingress.metrics');
export const INGRESS_COMPONENTS = Symbol('ingress.components');
