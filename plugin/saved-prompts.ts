import type { SavedPrompt } from '../shared/protocol';
import type { StoredValues } from './storage-queue';

const SAVED_PROMPTS_KEY = 'saved-prompts';
const MAX_SAVED_PROMPTS = 30;

function promptsOf(stored: unknown): SavedPrompt[] {
  return Array.isArray(stored) ? (stored as SavedPrompt[]) : [];
}

export async function loadSavedPrompts(store: StoredValues): Promise<SavedPrompt[]> {
  return promptsOf(await store.read(SAVED_PROMPTS_KEY));
}

/** Saves a prompt at the top of the list; saving an existing prompt again moves it up instead of repeating it. */
export function savePrompt(store: StoredValues, prompt: string, id: string): Promise<SavedPrompt[]> {
  return store.update(SAVED_PROMPTS_KEY, (stored) =>
    [{ id, prompt }, ...promptsOf(stored).filter((saved) => saved.prompt !== prompt)].slice(0, MAX_SAVED_PROMPTS),
  );
}

export function deletePrompt(store: StoredValues, id: string): Promise<SavedPrompt[]> {
  return store.update(SAVED_PROMPTS_KEY, (stored) => promptsOf(stored).filter((saved) => saved.id !== id));
}
