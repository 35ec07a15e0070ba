import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localToken } from '../../relay/local-token';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { tokenHash } from '../../relay/tokens';

const folder = () => mkdtempSync(join(tmpdir(), 'reimage-local-token-'));

describe("a live relay's first-start token", () => {
  it('is made once when instances sharing the tokens start together, and the others start without one', async () => {
    const tokens = new TokenFiles(folder());
    const dataDirs = [folder(), folder(), folder()];
    const made = await Promise.all(dataDirs.map((dataDir) => localToken(tokens, dataDir, { create: true, username: 'root' })));

    const created = made.filter((local) => local?.created);
    expect(created).toHaveLength(1);
    expect(made.filter((local) => local === undefined)).toHaveLength(2);
    expect(await tokens.list()).toHaveLength(1);
    const [mine] = created;
    expect(await tokens.nameOf(tokenHash(mine!.token))).toBe('root');
    const holder = dataDirs[made.indexOf(mine)];
    expect(readFileSync(join(holder, 'local-token'), 'utf8').trim()).toBe(mine!.token);
  });

});
