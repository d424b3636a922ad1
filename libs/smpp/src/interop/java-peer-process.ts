import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { PeerEvent, PeerProcess } from './peer-process';

/** The Java SMPP stacks the interop specs run against (see java/<library>/pom.xml for the pins). */
export type JavaPeerLibrary = 'jsmpp' | 'cloudhopper';

const JAVA_DIR = path.join(__dirname, 'java');
const BUILD_SCRIPT = path.join(JAVA_DIR, 'build.sh');
const CACHE_DIR = path.resolve(__dirname, '../../../../.cache/smpp-interop');
const MAIN_CLASS: Readonly<Record<JavaPeerLibrary, string>> = { jsmpp: 'JsmppPeer', cloudhopper: 'CloudhopperPeer' };
/** A cold build fetches the jars from Maven Central; a warm one only checks two checksums. */
const BUILD_TIMEOUT_MS = 240_000;
const START_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 10_000;

/** Fetches the library's jars and compiles its peer (java/build.sh), unless both are up to date. */
export function buildJavaPeer(library: JavaPeerLibrary): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [BUILD_SCRIPT, library], { timeout: BUILD_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`building the ${library} interop peer failed: ${error.message}\n${stderr}`));
      else resolve();
    });
  });
}

function javaArgs(library: JavaPeerLibrary): string[] {
  const out = path.join(CACHE_DIR, library);
  return [
    // A short-lived test peer: a quick start and a small heap matter more than peak speed.
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xmx256m',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-cp',
    `${path.join(out, 'classes')}${path.delimiter}${path.join(out, 'libs', '*')}`,
    MAIN_CLASS[library],
  ];
}

/**
 * One JVM running a peer program from ./java for a whole spec file. It plays SMSCs and ESMEs on
 * request: `call` sends a command and resolves with its "done" line; what the library received
 * comes as events (see java/common/Peer.java for the protocol).
 */
export class JavaPeerProcess extends PeerProcess {
  private nextRef = 0;

  private constructor(readonly library: JavaPeerLibrary) {
    super('java', javaArgs(library), `${library} peer`);
  }

  /** Builds the peer if needed, starts its JVM and waits until it reads commands. */
  static async start(library: JavaPeerLibrary): Promise<JavaPeerProcess> {
    await buildJavaPeer(library);
    const peer = new JavaPeerProcess(library);
    try {
      await peer.waitFor('ready', () => true, START_TIMEOUT_MS);
    } catch (error) {
      await peer.kill();
      throw error;
    }
    return peer;
  }

  /** Runs one command in the peer; rejects with the peer's error (and stderr) when it failed. */
  async call(cmd: string, fields: Record<string, unknown> = {}, timeoutMs = CALL_TIMEOUT_MS): Promise<PeerEvent> {
    const ref = `r${++this.nextRef}`;
    this.send({ cmd, ref, ...fields });
    const answer = await this.waitForMatch(
      (event) => (event.event === 'done' || event.event === 'failed') && event['ref'] === ref,
      `an answer to ${cmd} (${ref})`,
      timeoutMs,
    );
    if (answer.event === 'failed') throw new Error(`${this.library} peer: ${cmd} failed: ${String(answer['error'])}\n${this.stderrText}`);
    return answer;
  }
}
