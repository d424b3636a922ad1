/** DI tokens: interfaces vanish at run time, so the logger is injected by token. */
export const LOGGER = Symbol('parchee.logger');
