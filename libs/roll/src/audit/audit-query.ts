import type { Pool } from 'pg';
import { RollError } from '../errors/roll-error';
import { AuditChannel, AuditOutcome } from './audit-row';

/** One audited request as an investigator sees it. */
export interface AuditRecord {
  at: Date;
  moId: string;
  operator: string;
  /** `sms` for every row written before the trail had a channel. */
  channel: AuditChannel;
  msisdnHash: Buffer;
  cnicHash: Buffer | null;
  outcome: AuditOutcome;
  refusal: string | null;
  rollVersion: number | null;
}

export interface AuditQuery {
  /** Exactly one of the two: the keyed hash of a CNIC or of an MSISDN. */
  cnicHash?: Buffer;
  msisdnHash?: Buffer;
  /** How far back, in days from now. */
  days: number;
  now?: Date;
  /** Most rows returned, newest first. Default 10000. */
  limit?: number;
}

/** The requests for one CNIC hash or one MSISDN hash over the last `days` days, oldest first. */
export async function queryAudit(pool: Pool, q: AuditQuery): Promise<AuditRecord[]> {
  if ((q.cnicHash === undefined) === (q.msisdnHash === undefined))
    throw new RollError('ROLL_CONFIG_INVALID', 'audit query needs exactly one of a CNIC hash or an MSISDN hash');
  const column = q.cnicHash ? 'cnic_hash' : 'msisdn_hash';
  const since = new Date((q.now ?? new Date()).getTime() - q.days * 86_400_000);
  try {
    const { rows } = await pool.query<{
      at: Date;
      mo_id: string;
      operator: string;
      channel: AuditChannel;
      msisdn_hash: Buffer;
      cnic_hash: Buffer | null;
      outcome: AuditOutcome;
      refusal: string | null;
      roll_version: number | null;
    }>(
      `SELECT * FROM (
         SELECT at, mo_id, operator, channel, msisdn_hash, cnic_hash, outcome, refusal, roll_version FROM request_audit
          WHERE ${column} = $1 AND at >= $2 ORDER BY at DESC, mo_id DESC LIMIT $3
       ) recent ORDER BY at, mo_id`,
      [q.cnicHash ?? q.msisdnHash, since, q.limit ?? 10_000],
    );
    return rows.map((r) => ({
      at: r.at,
      moId: r.mo_id,
      operator: r.operator,
      channel: r.channel,
      msisdnHash: r.msisdn_hash,
      cnicHash: r.cnic_hash,
      outcome: r.outcome,
      refusal: r.refusal,
      rollVersion: r.roll_version,
    }));
  } catch (err) {
    throw RollError.fromPostgres(err, 'querying the audit trail');
  }
}
