/** Nest injection tokens of egress's parts (egress.module.ts wires them). */
export const EGRESS_CONFIG = Symbol('egress.config');
export const EGRESS_METRICS = Symbol('egress.metrics');
export const EGRESS_COMPONENTS = Symbol('egress.components');
/** The MT and receipt intake (a KafkaBatchTransport), started by bootService once the application has started. */
export const EGRESS_INTAKE = Symbol('egress.intake');
