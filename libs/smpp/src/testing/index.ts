export { createDuplexPair, DuplexPairEnd } from './duplex-pair';
export { FakeSmppPeer } from './fake-smpp-peer';
export { connectFakePeer } from './tcp-peer';
export { createSelfSignedCertificate } from './self-signed-cert';
export type { TestCertificate } from './self-signed-cert';
export { loopbackEsme, bindRefusalStatus, boundEsme } from './loopback-esme';
export { deliverSmPdu } from './deliver-sm-pdu';
