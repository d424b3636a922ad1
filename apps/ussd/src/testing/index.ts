export { InMemorySessionCells } from './in-memory-session-cells';
