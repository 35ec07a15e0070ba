import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionCode, readConnectionCode } from '../../shared/connection-code';

/** Written out here rather than imported, so the properties do not trust the code they check. */
const SHAPE = 'A connection code looks like https://relay.example.com#rmg_…; ask your admin for yours.';
const TOKEN = 'rmg_' + 'a1B2-c3_D4'.repeat(4) + 'xyz';

const base64url = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
const token = fc.array(base64url, { minLength: 43, maxLength: 43 }).map((chars) => `rmg_${chars.join('')}`);
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const publicOrigin = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'io', 'example'), port)
  .map(([labels, tld, p]) => new URL(`https://${[...labels, tld].join('.')}${p ? `:${p}` : ''}`).origin);
const localOrigin = fc.tuple(fc.constantFrom('localhost', '127.0.0.1', '[::1]'), port).map(([host, p]) => new URL(`http://${host}${p ? `:${p}` : ''}`).origin);

function problemOf(text: string): string {
  const read = readConnectionCode(text);
  if (!('problem' in read)) throw new Error(`"${text}" was read as a code`);
  return read.problem;
}

describe('connection codes', () => {
  it('reads back the relay and token a code was made from, for any public https relay or one on this computer', () => {
    fc.assert(
      fc.property(fc.oneof(publicOrigin, localOrigin), token, (origin, accessToken) => {
        expect(readConnectionCode(connectionCode(origin, accessToken))).toEqual({ connection: { relayUrl: origin, accessToken } });
      }),
    );
  });

  it("looks like the relay's address with the token as its fragment, so opening it never sends the token", () => {
    const code = connectionCode('https://relay.example.com', TOKEN);
    expect(code).toBe(`https://relay.example.com#${TOKEN}`);
    expect(new URL(code).hash).toBe(`#${TOKEN}`);
  });

  it('takes a code with spaces around it or a slash before the #, as chats and mail clients leave them', () => {
    expect(readConnectionCode(`  https://relay.example.com/#${TOKEN}\n`)).toEqual({ connection: { relayUrl: 'https://relay.example.com', accessToken: TOKEN } });
  });

  it('answers any text that is not a code with what is wrong and what a code looks like, never by throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const read = readConnectionCode(text);
        if ('problem' in read) {
          expect(read.problem).toMatch(/^That is not a connection code: .+\. /);
          expect(read.problem.endsWith(SHAPE)).toBe(true);
        } else {
          expect(connectionCode(read.connection.relayUrl, read.connection.accessToken)).toBe(new URL(text.trim()).origin + '#' + read.connection.accessToken);
        }
      }),
    );
  });

  it('says a token cut short when it was copied is cut off, however short', () => {
    fc.assert(
      fc.property(publicOrigin, token, fc.integer({ min: 5, max: 46 }), (origin, accessToken, keep) => {
        expect(problemOf(`${origin}#${accessToken.slice(0, keep)}`)).toContain('may have been cut off');
      }),
    );
  });

  it('refuses plain http to another machine, since Figma, served over https, blocks it', () => {
    fc.assert(
      fc.property(publicOrigin, token, (origin, accessToken) => {
        expect(problemOf(`${origin.replace('https:', 'http:')}#${accessToken}`)).toContain('uses http://, which Figma allows only for a relay on this computer');
      }),
    );
  });

  it.each([
    ['', 'the field is empty'],
    ['   ', 'the field is empty'],
    [TOKEN, "this is an access token alone, without the relay's address"],
    ['https://relay.example.com', "it has no # and access token after the relay's address"],
    [`#${TOKEN}`, 'it has no relay address before the #'],
    ['https://relay.example.com#', 'it has no access token after the #'],
    ['https://relay.example.com#sk-abc123', 'the part after the # is not an access token (they start with rmg_)'],
    [`relay.example.com#${TOKEN}`, '"relay.example.com" is not a web address'],
    [`https//relay.example.com#${TOKEN}`, '"https//relay.example.com" is not a web address'],
    [`ftp://relay.example.com#${TOKEN}`, '"ftp://relay.example.com" starts with ftp:, not https://'],
    [`https://relay.example.com/v1#${TOKEN}`, `"https://relay.example.com/v1" has more than the relay's address: give https://relay.example.com alone`],
    [`https://relay.example.com?team=1#${TOKEN}`, "has more than the relay's address"],
    [`https://admin:pw@relay.example.com#${TOKEN}`, '"relay.example.com" is preceded by a user name or password'],
    [`https://relay.example.com#${TOKEN}x`, 'its access token is 48 characters long, not 47: something was added after it'],
    [`https://relay.example.com#${TOKEN.slice(0, -1)}!`, 'its access token holds characters tokens never have'],
  ])('says what is wrong with %j', (text, problem) => {
    expect(problemOf(text)).toContain(problem);
  });
});
