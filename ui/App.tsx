import { useEffect, useRef, useState } from 'preact/hooks';
import { buildEditForm } from '../shared/edit-form';
import type { GenerationRecord, SelectionItem, Settings } from '../shared/protocol';
import { IMAGE_SIZES, isImageSize, sizeLabel } from '../shared/sizes';
import { SelectionPreview } from './components/SelectionPreview';
import { SettingsPanel } from './components/SettingsPanel';
import { onPluginMessage, postToPlugin } from './plugin-channel';
import { fetchRelayHealth, type RelayHealth, requestEdit } from './relay-client';
import { exportReferences, newRequestId, placeInFigma } from './sandbox-requests';

const MAX_SELECTION = 16;

type Run =
  | { phase: 'idle' }
  | { phase: 'exporting' | 'generating' | 'placing'; startedAt: number }
  | { phase: 'done'; message: string }
  | { phase: 'failed'; message: string; unplaced?: { bytes: Uint8Array; generation: GenerationRecord } };

const PHASE_TEXT = {
  exporting: 'Exporting the selected layers…',
  generating: 'Generating with gpt-image-2… this usually takes 1 to 3 minutes.',
  placing: 'Placing the image…',
};

function useElapsedSeconds(startedAt: number | undefined): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (startedAt === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [startedAt]);
  return startedAt === undefined ? 0 : Math.max(0, Math.floor((now - startedAt) / 1000));
}

function downloadUrl(bytes: Uint8Array): string {
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
}

export function App() {
  const [settings, setSettings] = useState<Settings>();
  const [selection, setSelection] = useState<SelectionItem[]>([]);
  const [thumbnails, setThumbnails] = useState<Record<string, string>>({});
  const [prompt, setPrompt] = useState('');
  const [run, setRun] = useState<Run>({ phase: 'idle' });
  const [health, setHealth] = useState<RelayHealth | 'unreachable'>();
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    const stop = onPluginMessage((message) => {
      if (message.type === 'init') setSettings(message.settings);
      if (message.type === 'selection') setSelection(message.items);
      if (message.type === 'thumbnail') {
        const url = downloadUrl(message.bytes);
        setThumbnails((current) => ({ ...current, [message.nodeId]: url }));
      }
    });
    postToPlugin({ type: 'ready' });
    return stop;
  }, []);

  useEffect(() => {
    if (!settings) return;
    fetchRelayHealth(settings).then(setHealth, () => setHealth('unreachable'));
  }, [settings?.relayUrl, settings?.accessToken]);

  const running = run.phase === 'exporting' || run.phase === 'generating' || run.phase === 'placing';
  const elapsed = useElapsedSeconds(running ? run.startedAt : undefined);

  if (!settings) return <main class="loading">Loading…</main>;

  const saveSettings = (next: Settings) => {
    setSettings(next);
    postToPlugin({ type: 'save-settings', settings: next });
  };

  const blocker =
    selection.length === 0
      ? 'Select 1 to 16 layers to edit.'
      : selection.length > MAX_SELECTION
        ? `Select at most 16 layers: ${selection.length} are selected.`
        : prompt.trim() === ''
          ? 'Describe the edit in the prompt.'
          : undefined;

  async function place(bytes: Uint8Array, generation: GenerationRecord, startedAt: number) {
    setRun({ phase: 'placing', startedAt });
    try {
      const placed = await placeInFigma(newRequestId(), bytes, generation, { kind: 'beside' });
      setRun({ phase: 'done', message: `Placed a ${placed.width}×${placed.height} image beside your selection.` });
    } catch (error) {
      setRun({ phase: 'failed', message: (error as Error).message, unplaced: { bytes, generation } });
    }
  }

  async function generate() {
    if (!settings || blocker || running) return;
    const startedAt = Date.now();
    const controller = new AbortController();
    abort.current = controller;
    setRun({ phase: 'exporting', startedAt });
    try {
      const references = await exportReferences(newRequestId());
      const generation: GenerationRecord = {
        prompt: prompt.trim(),
        size: settings.size,
        sourceNodeIds: references.map((reference) => reference.nodeId),
        createdAt: new Date().toISOString(),
      };
      setRun({ phase: 'generating', startedAt });
      const form = buildEditForm({
        prompt: generation.prompt,
        size: generation.size,
        images: references.map((reference, i) => ({ filename: `reference-${i + 1}.png`, bytes: reference.bytes })),
      });
      const bytes = await requestEdit(settings, form, controller.signal);
      await place(bytes, generation, startedAt);
    } catch (error) {
      if (controller.signal.aborted) setRun({ phase: 'idle' });
      else setRun({ phase: 'failed', message: (error as Error).message });
    }
  }

  return (
    <main>
      {health !== undefined && health !== 'unreachable' && health.mode === 'demo' && (
        <p class="banner" role="note">
          Demo relay: results are transformed copies of your layers, made without AI. Set LLMEASY_API_KEY on the relay
          for real edits.
        </p>
      )}
      {health === 'unreachable' && (
        <p class="banner warning" role="note">
          The relay at {settings.relayUrl} is not answering. Start it with npm start, or fix the Relay URL in Settings.
        </p>
      )}

      <SelectionPreview items={selection} thumbnails={thumbnails} />

      <label class="field">
        <span>Prompt</span>
        <textarea
          rows={4}
          value={prompt}
          placeholder="Make it a watercolor illustration, keep the layout"
          onInput={(e) => setPrompt(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void generate();
          }}
        />
      </label>

      <label class="field">
        <span>Size</span>
        <select
          value={settings.size}
          onChange={(e) => {
            const size = e.currentTarget.value;
            if (isImageSize(size)) saveSettings({ ...settings, size });
          }}
        >
          {IMAGE_SIZES.map((size) => (
            <option key={size.value} value={size.value}>
              {sizeLabel(size)}
            </option>
          ))}
        </select>
      </label>

      <div class="actions">
        {running ? (
          <button type="button" class="secondary" onClick={() => abort.current?.abort()} disabled={run.phase !== 'generating'}>
            Cancel
          </button>
        ) : null}
        <button type="button" class="primary" onClick={() => void generate()} disabled={Boolean(blocker) || running}>
          Generate
        </button>
      </div>
      {blocker && !running && <p class="hint">{blocker}</p>}

      <div class="status" role="status" aria-live="polite">
        {running && (
          <p>
            {PHASE_TEXT[run.phase]} <span class="elapsed">{elapsed} s</span>
          </p>
        )}
        {run.phase === 'done' && <p class="success">{run.message}</p>}
      </div>
      {run.phase === 'failed' && (
        <div class="error" role="alert">
          <p>{run.message}</p>
          {run.unplaced && (
            <p class="error-actions">
              <button type="button" class="secondary" onClick={() => run.unplaced && void place(run.unplaced.bytes, run.unplaced.generation, Date.now())}>
                Place again
              </button>
              <a href={downloadUrl(run.unplaced.bytes)} download="reimage.png">
                Download PNG
              </a>
            </p>
          )}
        </div>
      )}

      <SettingsPanel settings={settings} onSave={saveSettings} />
    </main>
  );
}
