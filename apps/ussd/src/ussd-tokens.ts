/** Nest injection tokens of the USSD service's parts (ussd.module.ts wires them). */
export const USSD_CONFIG = Symbol('ussd.config');
export const USSD_METRICS = Symbol('ussd.metrics');
export const USSD_COMPONENTS = Symbol('ussd.components');
