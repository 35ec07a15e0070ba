import { describe, expect, it } from 'vitest';
import { placedNotice } from '../../plugin/reveal-result';

const page = (name: string) => ({ name }) as PageNode;

describe('the notice for a result the designer is not looking at', () => {
  it('says how many images and, when it is not the current page, which page', () => {
    expect(placedNotice(1, undefined)).toBe('Reimage: image placed');
    expect(placedNotice(3, page('Archive'))).toBe('Reimage: 3 images placed on page “Archive”');
  });

  it('fits Figma’s 100 characters whatever the page is called', () => {
    const notice = placedNotice(8, page('🎨'.repeat(200)));
    expect(Array.from(notice).length).toBeLessThanOrEqual(100);
    expect(notice.endsWith('…”')).toBe(true);
  });
});
