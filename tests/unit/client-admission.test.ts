import { describe, expect, it } from 'vitest';
import { clientAdmission } from '../../relay/client-limits';
import type { RelayHttpError } from '../../relay/errors';

const limits = { maxConcurrent: 4, maxPerMinute: 3 };

function refusal(check: () => void): RelayHttpError | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return error as RelayHttpError;
  }
}

describe('clientAdmission', () => {
  it('counts against the minute only the provider calls that started', () => {
    let clock = 0;
    const rules = clientAdmission(limits, () => clock);
    for (let i = 0; i < 10; i++) rules.check('alice', { inFlight: 0, starting: 0 });
    rules.started('alice');
    rules.started('alice');
    expect(refusal(() => rules.check('alice', { inFlight: 0, starting: 0 }))).toBeUndefined();
    rules.started('alice');
    clock = 20_000;
    expect(refusal(() => rules.check('alice', { inFlight: 0, starting: 0 }))).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'You started 3 images in the last minute, the most the relay allows one person. Wait 40 s, then try again.',
      headers: { 'Retry-After': '40' },
    });
    clock = 60_001;
    expect(refusal(() => rules.check('alice', { inFlight: 0, starting: 0 }))).toBeUndefined();
  });

  it('counts requests still uploading towards the minute, and says so', () => {
    const rules = clientAdmission(limits, () => 0);
    rules.started('alice');
    expect(refusal(() => rules.check('alice', { inFlight: 2, starting: 2 }))).toMatchObject({
      code: 'rate_limited',
      message: 'You started 1 image in the last minute and are sending 2 more; the relay allows one person 3 a minute. Wait 15 s, then try again.',
      headers: { 'Retry-After': '15' },
    });
  });

  it('refuses a client with all its places taken, whatever the minute holds', () => {
    const rules = clientAdmission(limits, () => 0);
    expect(refusal(() => rules.check('alice', { inFlight: 4, starting: 1 }))).toMatchObject({ code: 'too_many_jobs', headers: { 'Retry-After': '15' } });
    expect(refusal(() => rules.check('bob', { inFlight: 3, starting: 0 }))).toBeUndefined();
  });
});
