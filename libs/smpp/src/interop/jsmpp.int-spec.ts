import { describeJavaInterop } from './java-interop-scenarios';

// jsmpp 3.0.1 (org.jsmpp:jsmpp, pinned in java/jsmpp/pom.xml) as the operator's SMSC and as the
// operator's ESME; java/build.sh fetches it from Maven Central and compiles the peer once.
describeJavaInterop('jsmpp', { smscSystemId: 'jsmpp-smsc' });
