import { describe, expect, it } from 'vitest';
import { themedHtml } from '../../emulator/theme';

describe('the plugin HTML as Figma shows it with themeColors', () => {
  it('puts the theme class on <html> and the colour variables first in <head>', () => {
    const html = themedHtml('<!doctype html><html lang="en"><head><title>P</title></head><body></body></html>', 'dark');
    expect(html).toMatch(/^<!doctype html><html lang="en" class="figma-dark"><head><style id="figma-style">:root \{ --figma-color-bg: #2c2c2c;/);
    expect(html).toContain('<title>P</title>');
  });

  it('adds to a class the page already has', () => {
    expect(themedHtml('<html class="app"><head></head></html>', 'light')).toMatch(/^<html class="figma-light app"><head><style id="figma-style">/);
  });
});
