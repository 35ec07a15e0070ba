import { startPlugin, PANEL_WIDTH } from './controller';
import { sizeSuggestions } from './launch';
import { loadSavedPrompts } from './saved-prompts';
import { storedValues } from './storage-queue';

figma.parameters.on('input', async ({ key, query, result }) => {
  if (key === 'size') return result.setSuggestions(sizeSuggestions(query));
  const saved = await loadSavedPrompts(storedValues(figma.clientStorage));
  result.setSuggestions(saved.map((entry) => entry.prompt).filter((prompt) => prompt.toLowerCase().includes(query.toLowerCase())));
});

figma.on('run', ({ command, parameters }) => {
  // Quick Actions run without the panel: the hidden UI still makes the network calls, progress goes through notify.
  figma.showUI(__html__, { width: PANEL_WIDTH, height: 640, themeColors: true, title: 'Reimage', visible: command !== 'quick-edit' });
  startPlugin(figma, { command, parameters });
});
