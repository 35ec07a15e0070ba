import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../plugin/settings';
import { openedWith, panelChoices, pickSize, pickVariants } from '../../ui/panel-choices';

const banner = { width: 1200, height: 400 };

describe('the size and variants the panel offers', () => {
  it('offers the size closest to the selection until the designer picks one, then theirs whatever is selected', () => {
    expect(panelChoices(DEFAULT_SETTINGS, {}, [banner]).size).toBe('2048x1152');
    const picked = pickSize(DEFAULT_SETTINGS, '1024x1536');
    expect(picked).toEqual({ ...DEFAULT_SETTINGS, size: '1024x1536', sizeChosen: true });
    expect(panelChoices(picked, {}, [banner]).size).toBe('1024x1536');
  });

  it('opens with what "Edit again" and "More variants" carry, over the designer’s settings', () => {
    const settings = { ...pickSize(DEFAULT_SETTINGS, '1024x1024'), variants: 2 };
    const more = openedWith({ command: 'more-variants', prompt: 'Neon', size: '2048x1152', variants: 4 });
    expect(panelChoices(settings, more, [banner])).toEqual({ size: '2048x1152', variants: 4 });
    const again = openedWith({ command: 'edit-again', prompt: 'Neon', size: '2048x1152' });
    expect(panelChoices(settings, again, [banner])).toEqual({ size: '2048x1152', variants: 2 });
    expect(panelChoices(settings, openedWith({ command: 'generate-variants', variants: 6 }), [])).toEqual({ size: '1024x1024', variants: 6 });
    expect(openedWith({ command: 'open' })).toEqual({});
  });

  it('remembers the last variant count above 1, for "Generate variants"', () => {
    const six = pickVariants(DEFAULT_SETTINGS, 6);
    expect(six).toMatchObject({ variants: 6, batchVariants: 6 });
    expect(pickVariants(six, 1)).toMatchObject({ variants: 1, batchVariants: 6 });
  });
});
