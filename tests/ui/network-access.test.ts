import { describe, expect, it } from 'vitest';
import { blockedByFigma, listedInManifest } from '../../ui/network-access';

const access = (...allowedDomains: string[]) => ({ allowedDomains });

describe('which relay origins manifest.json’s networkAccess lists, read as Figma’s policy reads it', () => {
  it('lists the shipped manifest’s team relay and, while developing, the local relay on localhost only', () => {
    expect(listedInManifest('https://reimage-relay.example.com/v1/jobs/abc')).toBe(true);
    expect(listedInManifest('http://localhost:8787/healthz')).toBe(true);
    expect(listedInManifest('http://127.0.0.1:8787/healthz')).toBe(false);
    expect(listedInManifest('http://localhost:8788/healthz')).toBe(false);
  });

  it('matches an origin with its scheme and port, the default port when none is written', () => {
    expect(listedInManifest('https://relay.team.example/healthz', access('https://relay.team.example'))).toBe(true);
    expect(listedInManifest('https://relay.team.example:443/healthz', access('https://relay.team.example'))).toBe(true);
    expect(listedInManifest('http://relay.team.example/healthz', access('https://relay.team.example'))).toBe(false);
    expect(listedInManifest('https://relay.team.example:8443/healthz', access('https://relay.team.example'))).toBe(false);
  });

  it('reads "*.example.com" as its subdomains, a trailing slash as a path prefix, no scheme as http or https', () => {
    expect(listedInManifest('https://relay.example.com/x', access('*.example.com'))).toBe(true);
    expect(listedInManifest('https://example.com/x', access('*.example.com'))).toBe(false);
    expect(listedInManifest('https://example.com/reimage/healthz', access('example.com/reimage/'))).toBe(true);
    expect(listedInManifest('https://example.com/other/healthz', access('example.com/reimage/'))).toBe(false);
    expect(listedInManifest('http://example.com/', access('example.com'))).toBe(true);
  });

  it('lists nothing for ["none"] and everything for ["*"]', () => {
    expect(listedInManifest('https://relay.team.example/', access('none'))).toBe(false);
    expect(listedInManifest('https://relay.team.example/', access('*'))).toBe(true);
  });

  it('never takes a failed request for a block outside a browser, where no policy applies', async () => {
    expect(await blockedByFigma('http://127.0.0.1:9/healthz')).toBe(false);
  });
});
