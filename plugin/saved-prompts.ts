import type { SavedPrompt } from '../shared/protocol';
import type { FigmaApi } from './figma-api';

const SAVED_PROMPTS_KEY = 'saved-prompts';
const MAX_SAVED_PROMPTS = 30;

export async function loadSavedPrompts(figma: FigmaApi): Promise<SavedPrompt[]> {
  const stored: unknown = await figma.clientStorage.getAsync(SAVED_PROMPTS_KEY);
  return Array.isArray(stored) ? (stored as SavedPrompt[]) : [];
}

/** Saves a prompt at the top of the list; saving an existing prompt again moves it up instead of repeating it. */
export async function savePrompt(figma: FigmaApi, prompt: string, id: string): Promise<SavedPrompt[]> {
  const others = (await loadSavedPrompts(figma)).filter((saved) => saved.prompt !== prompt);
  const prompts = [{ id, prompt }, ...others].slice(0, MAX_SAVED_PROMPTS);
  await figma.clientStorage.setAsync(SAVED_PROMPTS_KEY, prompts);
  return prompts;
}

export async function deletePrompt(figma: FigmaApi, id: string): Promise<SavedPrompt[]> {
  const prompts = (await loadSavedPrompts(figma)).filter((saved) => saved.id !== id);
  await figma.clientStorage.setAsync(SAVED_PROMPTS_KEY, prompts);
  return prompts;
}
