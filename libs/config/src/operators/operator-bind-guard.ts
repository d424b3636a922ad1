import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerOperatorLink } from './operator-links';
import { PeerAllowlist } from './peer-allowlist';

/** Why a bind to a server-mode link was refused; used as a metric label, so a small fixed set. */
export type BindRefusalReason = 'ip_not_allowed' | 'unknown_system_id' | 'wrong_password';

export type OperatorBindVerdict = { ok: true } | { ok: false; reason: BindRefusalReason };

export interface OperatorBindAttempt {
  systemId: string;
  password: string;
  remoteAddress: string;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Who may bind to one server-mode link: a peer from `allowedIps` presenting the link's system_id
 * and password. The address is checked first so a stranger learns nothing about the credentials.
 */
export class OperatorBindGuard {
  private readonly allowlist: PeerAllowlist;
  private readonly passwordDigest: Buffer;

  constructor(private readonly link: Pick<ServerOperatorLink, 'systemId' | 'password' | 'allowedIps'>) {
    this.allowlist = new PeerAllowlist(link.allowedIps);
    this.passwordDigest = digest(link.password);
  }

  check(attempt: OperatorBindAttempt): OperatorBindVerdict {
    if (!this.allowlist.allows(attempt.remoteAddress)) return { ok: false, reason: 'ip_not_allowed' };
    if (attempt.systemId !== this.link.systemId) return { ok: false, reason: 'unknown_system_id' };
    // Compare digests in constant time so response timing does not leak how much of a guess was right.
    if (!timingSafeEqual(digest(attempt.password), this.passwordDigest)) return { ok: false, reason: 'wrong_password' };
    return { ok: true };
  }
}
