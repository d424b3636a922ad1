export { testClientLink } from './client-link-fixture';
export { testServerLink } from './server-link-fixture';
