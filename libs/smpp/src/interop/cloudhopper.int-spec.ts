import { describeJavaInterop } from './java-interop-scenarios';

// Cloudhopper ch-smpp 5.0.9 (com.cloudhopper:ch-smpp, pinned in java/cloudhopper/pom.xml) as the
// operator's SMSC and as the operator's ESME; java/build.sh fetches it from Maven Central and
// compiles the peer once.
describeJavaInterop('cloudhopper', {
  // 16 characters, one past what SMPP 3.4 allows in bind_resp: Cloudhopper's SMSC sends it as
  // configured, and our binds must still come up (readAcceptedBindResp in codec/pdu-codec.ts).
  smscSystemId: 'cloudhopper-smsc',
});
