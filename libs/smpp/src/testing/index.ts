export { createDuplexPair, DuplexPairEnd } from './duplex-pair';
export { FakeSmppPeer } from './fake-smpp-peer';
