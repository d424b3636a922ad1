export { createDuplexPair, DuplexPairEnd } from './duplex-pair';
export { FakeSmppPeer } from './fake-smpp-peer';
export { createSelfSignedCertificate } from './self-signed-cert';
export type { TestCertificate } from './self-signed-cert';
