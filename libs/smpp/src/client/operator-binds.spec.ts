import { operatorClientTls } from './operator-binds';

describe('operatorClientTls', () => {
  it('connects in the clear when the link does not ask for TLS', () => {
    expect(operatorClientTls({ tls: false })).toBe(false);
  });

  it('verifies against the public CAs and the host name when the link names neither a CA nor a server name', () => {
    expect(operatorClientTls({ tls: true })).toEqual({});
  });

  it('trusts the operator’s private CA and verifies the name the link gives', () => {
    expect(operatorClientTls({ tls: true, tlsCa: '-----BEGIN CERTIFICATE-----', tlsServername: 'smsc.acme.example' })).toEqual({
      ca: '-----BEGIN CERTIFICATE-----',
      servername: 'smsc.acme.example',
    });
  });
});
