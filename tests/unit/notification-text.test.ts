import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitNotification } from '../../shared/notification-text';

describe('a message fitted to a Figma notification (at most 100 characters)', () => {
  it('leaves a message that fits as it is, on one line', () => {
    expect(fitNotification('Reimage: the image is on the canvas.')).toBe('Reimage: the image is on the canvas.');
    expect(fitNotification('Reimage:\n  the image   is on the canvas.')).toBe('Reimage: the image is on the canvas.');
  });

  it('drops asides in parentheses first', () => {
    const message = 'Reimage: select at most 16 layers (17 are selected, including hidden ones), then run Quick edit again.';
    expect(fitNotification(message)).toBe('Reimage: select at most 16 layers, then run Quick edit again.');
  });

  it('keeps what to do whole and shortens what happened at a word', () => {
    const message =
      'Reimage: The relay could not get an image from the provider because its answer was cut short. Try again in a minute.';
    expect(fitNotification(message)).toBe('Reimage: The relay could not get an image from the provider because its… Try again in a minute.');
  });

  it('drops the advice’s later clauses before cutting what happened', () => {
    const message = 'Reimage: The relay could not get an image from the provider. Try again in a minute; if it keeps failing, tell your admin.';
    expect(fitNotification(message)).toBe('Reimage: The relay could not get an image from the provider. Try again in a minute.');
  });

  it('keeps what happened alone when keeping the advice would leave little of it', () => {
    const message =
      "Reimage: Figma blocked https://relay.unlisted.example: manifest.json's networkAccess must list it. Add it (to allowedDomains) and run the plugin again, or fix the Relay URL in Settings.";
    expect(fitNotification(message)).toBe("Reimage: Figma blocked https://relay.unlisted.example: manifest.json's networkAccess must list it.");
  });

  it('shortens a long refusal and keeps what to do', () => {
    const message =
      'Reimage: The image provider refused the request: Your request was rejected as a result of our safety system. Change the prompt or references and try again.';
    expect(fitNotification(message)).toBe('Reimage: The image provider refused the request… Change the prompt or references and try again.');
  });

  it('does not take the dots of an address for the end of a sentence', () => {
    const message = "Reimage: Can't reach the relay at http://127.0.0.1:8787 right now, it seems to be down or moved. Check the Relay URL in Settings.";
    const fitted = fitNotification(message);
    expect(fitted).toMatch(/^Reimage: Can't reach the relay at http:\/\/127\.0\.0\.1:8787 .*… Check the Relay URL in Settings\.$/);
  });

  it('cuts at a word when the advice alone is too long', () => {
    const fitted = fitNotification(`Reimage: ${'word '.repeat(40)}`);
    expect(fitted).toHaveLength(99);
    expect(fitted.endsWith('word…')).toBe(true);
  });

  it('never returns more than the limit, whatever the message', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 30, max: 120 }), (message, limit) => fitNotification(message, limit).length <= limit));
  });
});
