import {
  auditDayStart,
  auditPartitionFor,
  auditPartitionsAhead,
  createAuditPartitionSql,
  expiredAuditPartitions,
  parseAuditPartitionName,
} from './audit-partitions';

describe('audit partitions', () => {
  it('names a partition after the UTC day, whatever the time of day', () => {
    expect(auditPartitionFor(new Date('2026-03-09T00:00:00Z')).name).toBe('request_audit_p20260309');
    expect(auditPartitionFor(new Date('2026-03-09T23:59:59.999Z')).name).toBe('request_audit_p20260309');
    // 04:30 in Pakistan (UTC+5) is still the previous UTC day.
    expect(auditPartitionFor(new Date('2026-03-09T04:30:00+05:00')).name).toBe('request_audit_p20260308');
  });

  it('bounds a partition from midnight UTC to the next midnight, so the days tile without overlap', () => {
    const p = auditPartitionFor(Date.parse('2026-12-31T18:00:00Z'));
    expect(p.from.toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(p.to.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(auditDayStart(p.to).toISOString()).toBe(p.to.toISOString());
  });

  it('lists today and the next N days, across a month end', () => {
    expect(auditPartitionsAhead(new Date('2026-02-27T10:00:00Z'), 3).map((p) => p.name)).toEqual([
      'request_audit_p20260227',
      'request_audit_p20260228',
      'request_audit_p20260301',
      'request_audit_p20260302',
    ]);
  });

  it('writes idempotent DDL with the exact day bounds', () => {
    expect(createAuditPartitionSql(auditPartitionFor(Date.parse('2026-03-09T12:00:00Z')))).toBe(
      "CREATE TABLE IF NOT EXISTS request_audit_p20260309 PARTITION OF request_audit FOR VALUES FROM ('2026-03-09T00:00:00.000Z') TO ('2026-03-10T00:00:00.000Z')",
    );
  });

  it('reads its own names back and ignores anything else', () => {
    expect(parseAuditPartitionName('request_audit_p20260309')?.from.toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(parseAuditPartitionName('request_audit_p20260230')).toBeNull();
    expect(parseAuditPartitionName('request_audit_default')).toBeNull();
    expect(parseAuditPartitionName('voter_v1')).toBeNull();
  });

  it('expires only partitions whose whole day is older than the retention window', () => {
    const names = ['request_audit_p20260301', 'request_audit_p20260308', 'request_audit_p20260309', 'request_audit_p20260310', 'request_audit_old'];
    const now = new Date('2026-03-10T15:00:00Z');
    // Cutoff = 2026-03-10 minus 1 day = 2026-03-09T00:00Z: the 8th ends exactly there.
    expect(expiredAuditPartitions(names, 1, now).map((p) => p.name)).toEqual(['request_audit_p20260301', 'request_audit_p20260308']);
    expect(expiredAuditPartitions(names, 90, now)).toEqual([]);
  });
});
