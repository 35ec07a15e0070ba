import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { enterParameters, type ManifestParameter } from '../../emulator/figma/quick-actions';

const PARAMETERS: ManifestParameter[] = [
  { name: 'Animal', key: 'animal' },
  { name: 'Note', key: 'note', allowFreeform: true, optional: true },
];
const ANIMALS = [{ name: 'Armadillo', data: 'armadillo-id' }, { name: 'Baboon', data: 'baboon-id' }, 'Dolphin'];

/** A user who types the given answers in turn, recording what Quick Actions showed them. */
function typing(...answers: (string | null)[]) {
  const seen: { parameter: string; shown: string[]; refused?: string }[] = [];
  return {
    seen,
    ask: (parameter: ManifestParameter, shown: { name: string }[], refused?: string) => {
      seen.push({ parameter: parameter.key, shown: shown.map((s) => s.name), ...(refused ? { refused } : {}) });
      return answers.shift() ?? null;
    },
  };
}

describe('Quick Actions parameters, as Figma asks for them', () => {
  it('fires an input event on every key press, with the values entered so far', async () => {
    const figma = new FakeFigma();
    const api = figma.openPlugin();
    const events: [string, string, ParameterValues][] = [];
    api.parameters.on('input', ({ key, query, parameters, result }) => {
      events.push([key, query, parameters]);
      result.setSuggestions(key === 'animal' ? ANIMALS.filter((a) => JSON.stringify(a).toLowerCase().includes(query.toLowerCase())) : []);
    });
    const user = typing('Bab', 'hi');
    await enterParameters(figma, PARAMETERS, user.ask);
    expect(events).toEqual([
      ['animal', '', {}],
      ['animal', 'B', {}],
      ['animal', 'Ba', {}],
      ['animal', 'Bab', {}],
      ['note', '', { animal: 'baboon-id' }],
      ['note', 'h', { animal: 'baboon-id' }],
      ['note', 'hi', { animal: 'baboon-id' }],
    ]);
    expect(user.seen[0]).toEqual({ parameter: 'animal', shown: ['Armadillo', 'Baboon', 'Dolphin'] });
  });

  it('gives the run the chosen suggestion’s data, a string suggestion as itself, freeform text as typed', async () => {
    const figma = new FakeFigma();
    figma.openPlugin().parameters.on('input', ({ key, result }) => result.setSuggestions(key === 'animal' ? ANIMALS : ['Spotted']));
    expect(await enterParameters(figma, PARAMETERS, typing('armadillo', 'Striped').ask)).toEqual({ animal: 'armadillo-id', note: 'Striped' });
    expect(await enterParameters(figma, PARAMETERS, typing('Dolphin', '').ask)).toEqual({ animal: 'Dolphin' });
  });

  it('takes only a suggestion where the parameter allows no free text, and asks again otherwise', async () => {
    const figma = new FakeFigma();
    figma.openPlugin().parameters.on('input', ({ query, result }) => result.setSuggestions(ANIMALS.filter((a) => typeof a !== 'string' && a.name.startsWith(query))));
    const user = typing('Zebra', 'Baboon', '');
    expect(await enterParameters(figma, PARAMETERS, user.ask)).toEqual({ animal: 'baboon-id' });
    expect(user.seen[1].refused).toBe('No Animal matches “Zebra”: pick one of the suggestions.');
  });

  it('keeps the user on a parameter while the plugin sets an error, and ends when they give up', async () => {
    const figma = new FakeFigma();
    figma.openPlugin().parameters.on('input', ({ result }) => result.setError('Select a layer first'));
    const user = typing('Baboon', null);
    expect(await enterParameters(figma, PARAMETERS, user.ask)).toBeUndefined();
    expect(user.seen.map((s) => s.refused)).toEqual([undefined, 'Select a layer first']);
  });

  it('refuses to skip a required parameter', async () => {
    const figma = new FakeFigma();
    figma.openPlugin().parameters.on('input', ({ result }) => result.setSuggestions(ANIMALS));
    const user = typing('', 'Dolphin', '');
    expect(await enterParameters(figma, PARAMETERS, user.ask)).toEqual({ animal: 'Dolphin' });
    expect(user.seen[1].refused).toBe('Animal is required.');
  });

  it('calls a once handler for the first key press only, and no handler after off', async () => {
    const figma = new FakeFigma();
    const api = figma.openPlugin();
    const calls: string[] = [];
    const always = ({ query, result }: ParameterInputEvent) => {
      calls.push(`on:${query}`);
      result.setSuggestions([]);
    };
    api.parameters.once('input', ({ query }) => calls.push(`once:${query}`));
    api.parameters.on('input', always);
    await figma.parameters.input('note', 'a');
    await figma.parameters.input('note', 'ab');
    api.parameters.off('input', always);
    void figma.parameters.input('note', 'abc');
    expect(calls).toEqual(['once:a', 'on:a', 'on:ab']);
  });
});
