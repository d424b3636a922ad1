export { testServerLink } from './server-link-fixture';
