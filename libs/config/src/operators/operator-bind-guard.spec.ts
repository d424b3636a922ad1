import { OperatorBindGuard } from './operator-bind-guard';

describe('OperatorBindGuard', () => {
  const guard = new OperatorBindGuard({ systemId: 'acme', password: 's3cret', allowedIps: ['10.1.0.0/16', '192.0.2.10'] });

  it('accepts the operator presenting its system_id and password from an allowed address', () => {
    expect(guard.check({ systemId: 'acme', password: 's3cret', remoteAddress: '10.1.2.3' })).toEqual({ ok: true });
    expect(guard.check({ systemId: 'acme', password: 's3cret', remoteAddress: '::ffff:192.0.2.10' })).toEqual({ ok: true });
  });

  it('refuses a wrong password', () => {
    expect(guard.check({ systemId: 'acme', password: 's3cre', remoteAddress: '10.1.2.3' })).toEqual({ ok: false, reason: 'wrong_password' });
    expect(guard.check({ systemId: 'acme', password: '', remoteAddress: '10.1.2.3' })).toEqual({ ok: false, reason: 'wrong_password' });
  });

  it('refuses a system_id other than the link’s', () => {
    expect(guard.check({ systemId: 'ACME', password: 's3cret', remoteAddress: '10.1.2.3' })).toEqual({ ok: false, reason: 'unknown_system_id' });
  });

  it('refuses a peer outside the allowlist before looking at its credentials', () => {
    expect(guard.check({ systemId: 'acme', password: 's3cret', remoteAddress: '10.2.0.1' })).toEqual({ ok: false, reason: 'ip_not_allowed' });
    expect(guard.check({ systemId: 'other', password: 'wrong', remoteAddress: '127.0.0.1' })).toEqual({ ok: false, reason: 'ip_not_allowed' });
  });
});
