import { describe, expect, it } from 'vitest';
import { admissionRefusal } from '../../relay/client-limits';

const limits = { maxConcurrent: 4, maxPerMinute: 3 };

describe('admissionRefusal', () => {
  it('counts against the minute only the provider calls that started, within the last 60 s', () => {
    expect(admissionRefusal(limits, { inFlight: 0, starting: 0, startedAt: [0, 0] }, 0)).toBeUndefined();
    expect(admissionRefusal(limits, { inFlight: 0, starting: 0, startedAt: [0, 0, 0] }, 20_000)).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'You started 3 images in the last minute, the most the relay allows one person. Wait 40 s, then try again.',
      headers: { 'Retry-After': '40' },
    });
    expect(admissionRefusal(limits, { inFlight: 0, starting: 0, startedAt: [0, 0, 0] }, 60_001)).toBeUndefined();
  });

  it('counts requests still uploading towards the minute, and says so', () => {
    expect(admissionRefusal(limits, { inFlight: 2, starting: 2, startedAt: [0] }, 0)).toMatchObject({
      code: 'rate_limited',
      message: 'You started 1 image in the last minute and are sending 2 more; the relay allows one person 3 a minute. Wait 15 s, then try again.',
      headers: { 'Retry-After': '15' },
    });
  });

  it('refuses a client with all its places taken, whatever the minute holds', () => {
    expect(admissionRefusal(limits, { inFlight: 4, starting: 1, startedAt: [] }, 0)).toMatchObject({ code: 'too_many_jobs', headers: { 'Retry-After': '15' } });
    expect(admissionRefusal(limits, { inFlight: 3, starting: 0, startedAt: [] }, 0)).toBeUndefined();
  });
});
