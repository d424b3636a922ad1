/** Nest injection tokens of lookup's parts (lookup.module.ts wires them). */
export const LOOKUP_CONFIG = Symbol('lookup.config');
export const LOOKUP_METRICS = Symbol('lookup.metrics');
export const LOOKUP_COMPONENTS = Symbol('lookup.components');
/** The MO intake (a KafkaBatchTransport), started by bootService once the application has started. */
export const LOOKUP_INTAKE = Symbol('lookup.intake');
