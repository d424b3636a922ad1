import * as path from 'node:path';
import { PeerProcess } from './peer-process';

export type { PeerEvent } from './peer-process';

const SCRIPTS_DIR = path.join(__dirname, 'perl');

/** A Net::SMPP script from ./perl run as a child process (see PeerProcess). */
export class PerlPeerProcess extends PeerProcess {
  constructor(script: string, args: string[]) {
    super('perl', [path.join(SCRIPTS_DIR, script), ...args], script);
  }
}
