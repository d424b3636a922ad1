import { EventEmitter } from 'node:events';
import { whenReady } from './when-ready';

class FakeClient extends EventEmitter {
  status = 'connecting';
}

describe('whenReady', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves true at once for a ready client', async () => {
    const client = new FakeClient();
    client.status = 'ready';
    await expect(whenReady(client, 10)).resolves.toBe(true);
  });

  it('resolves true when the client becomes ready, and leaves no listener behind', async () => {
    const client = new FakeClient();
    const ready = whenReady(client, 1000);
    client.status = 'ready';
    client.emit('ready');
    await expect(ready).resolves.toBe(true);
    expect(client.listenerCount('ready') + client.listenerCount('end')).toBe(0);
  });

  it('resolves false when the timeout passes first', async () => {
    const client = new FakeClient();
    const ready = whenReady(client, 1000);
    jest.advanceTimersByTime(1000);
    await expect(ready).resolves.toBe(false);
    expect(client.listenerCount('ready')).toBe(0);
  });

  it('resolves false when the client gives up for good', async () => {
    const client = new FakeClient();
    const ready = whenReady(client, 1000);
    client.emit('end');
    await expect(ready).resolves.toBe(false);
    client.status = 'end';
    await expect(whenReady(client, 1000)).resolves.toBe(false);
  });
});
