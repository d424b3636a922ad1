import { randomBytes } from 'node:crypto';

/**
 * Fresh submit_sm_resp message_ids: 16 hex digits, a random run prefix and a counter, so ids
 * from two simulator runs do not collide in an ESME's delivery-receipt map.
 */
export class MessageIds {
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;

  next(): string {
    this.counter = (this.counter + 1) >>> 0;
    return `${this.prefix}${this.counter.toString(16).padStart(8, '0')}`;
  }
}
