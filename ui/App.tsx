import { useEffect, useRef, useState } from 'preact/hooks';
import type { GenerationRecord, HistoryEntry, InitState, PendingJob, Placement, SelectionItem, Settings } from '../shared/protocol';
import { IMAGE_SIZES, type ImageSize, isImageSize, sizeLabel, sizeUse } from '../shared/sizes';
import { HistoryPanel } from './components/HistoryPanel';
import { PanelHeader } from './components/PanelHeader';
import { PromptField } from './components/PromptField';
import { type RequestRow, RequestRows } from './components/RequestRows';
import { SelectionPreview } from './components/SelectionPreview';
import { SettingsPanel } from './components/SettingsPanel';
import { createLimiter } from '../shared/concurrency';
import { expectedSeconds, formatDuration } from './expected-time';
import { jobRequestFor, relayJobClient } from './job-client';
import { onPluginMessage, postToPlugin } from './plugin-channel';
import { quickEditEnding, quickEditFailed, type QuickEditEnding, quickEditSelectionProblem } from './quick-edit';
import { type ConnectionStatus, connectionProblem } from './connection-status';
import { fetchRelayHealth, fetchRelayIdentity, type RelayHealth } from './relay-client';
import { maxLayers, requestProblem } from './request-check';
import { resumedSpec } from './resumed-job';
import { exportReferences, figmaSandbox, newRequestId } from './sandbox-requests';
import { isSettled, PlacementError, runVariant, type VariantSpec, type VariantState } from './variant-run';

const MAX_VARIANTS = 8;
/** The relay runs at most 4 jobs at once per access token by default. */
const PARALLEL_REQUESTS = 4;
const QUICK_ACTION_NOTIFY_EVERY_MS = 15_000;

interface Row extends RequestRow {
  batchId: string;
  spec: VariantSpec;
  controller: AbortController;
  attempt: number;
}

const imageUrls = new WeakMap<Uint8Array, string>();

/** One object URL per image, however often it is rendered. */
function imageUrl(bytes: Uint8Array): string {
  let url = imageUrls.get(bytes);
  if (!url) {
    url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    imageUrls.set(bytes, url);
  }
  return url;
}

/** Jobs are resumed only in the file they were started in; the panel says how many wait elsewhere. */
function waitingElsewhereText(count: number): string {
  return count === 1
    ? '1 result waits in another file: it lands there when you open that file and run Reimage.'
    : `${count} results wait in other files: each lands in its own file when you open it and run Reimage.`;
}

function panelIsSmall(): boolean {
  return document.hidden || window.innerHeight < 200;
}

export function App() {
  const [state, setState] = useState<InitState>();
  const [selection, setSelection] = useState<SelectionItem[]>();
  const [thumbnails, setThumbnails] = useState<Record<string, string>>({});
  const [prompt, setPrompt] = useState('');
  const [replace, setReplace] = useState(false);
  const [rows, setRows] = useState<Row[]>([]);
  const [problem, setProblem] = useState<string>();
  const [exporting, setExporting] = useState(false);
  const [health, setHealth] = useState<RelayHealth | { problem: string }>();
  const [connection, setConnection] = useState<ConnectionStatus>({ state: 'checking' });
  const [settingsOpen, setSettingsOpen] = useState(false);
  /** The relay's health as it will be known: Generate waits for it, for the relay's limits. */
  const healthCheck = useRef<Promise<RelayHealth | undefined>>(Promise.resolve(undefined));
  const [now, setNow] = useState(Date.now());
  const limiter = useRef(createLimiter(PARALLEL_REQUESTS));
  const unsettled = useRef(new Map<string, number>());
  const quickEditStarted = useRef(false);
  const main = useRef<HTMLElement>(null);

  const settings = state?.settings;
  const launch = state?.launch;
  const running = rows.some((row) => !isSettled(row.state));

  useEffect(() => {
    const stop = onPluginMessage((message) => {
      if (message.type === 'init') {
        const { type: _type, ...init } = message;
        setState(init);
        setProblem(init.problem);
        setSettingsOpen(init.launch.command === 'settings');
        if ('prompt' in init.launch) setPrompt(init.launch.prompt);
        init.pendingJobs.forEach((job) => resume(job, init));
      }
      if (message.type === 'selection') setSelection(message.items);
      if (message.type === 'thumbnail') {
        const url = imageUrl(message.bytes);
        setThumbnails((current) => ({ ...current, [message.nodeId]: url }));
      }
      if (message.type === 'history') setState((current) => current && { ...current, history: message.entries });
      if (message.type === 'saved-prompts') setState((current) => current && { ...current, savedPrompts: message.prompts });
    });
    postToPlugin({ type: 'ready' });
    return stop;
  }, []);

  useEffect(() => {
    if (!settings) return;
    const check = fetchRelayHealth(settings);
    healthCheck.current = check.catch(() => undefined);
    check.then(setHealth, (error: Error) => setHealth({ problem: error.message }));
    // The token is checked as soon as it is saved (and on open), not first at Generate.
    const identityCheck = new AbortController();
    setConnection({ state: 'checking' });
    fetchRelayIdentity(settings, identityCheck.signal).then(
      (identity) => setConnection({ state: 'connected', identity }),
      (error: unknown) => identityCheck.signal.aborted || setConnection(connectionProblem(error)),
    );
    return () => identityCheck.abort();
  }, [settings?.relayUrl, settings?.accessToken]);

  // A token the relay refuses is shown where it is fixed, without waiting for Generate.
  useEffect(() => {
    if (connection.state === 'problem' && connection.tokenRejected) setSettingsOpen(true);
  }, [connection]);

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);

  useEffect(() => {
    if (!main.current) return;
    const observer = new ResizeObserver(() => postToPlugin({ type: 'resize', height: main.current?.offsetHeight ?? 0 }));
    observer.observe(main.current);
    return () => observer.disconnect();
  }, [state !== undefined]);

  // Quick Actions: generate at once with the panel hidden, report through notify, close when done.
  useEffect(() => {
    if (launch?.command !== 'quick-edit' || selection === undefined || quickEditStarted.current) return;
    quickEditStarted.current = true;
    void (async () => {
      const relayLimits = (await healthCheck.current)?.limits;
      const problem = quickEditSelectionProblem(selection.length, maxLayers(relayLimits)) ?? requestProblem(selection.length, launch.prompt, relayLimits);
      if (problem) return endQuickEdit(quickEditFailed(problem));
      await generate(launch.prompt, launch.size, 1);
    })().catch((error: Error) => endQuickEdit(quickEditFailed(`something went wrong: ${error.message}. Try again, or open Reimage to see more.`)));
  }, [launch, selection]);

  useEffect(() => {
    if (launch?.command !== 'quick-edit' || !running) return;
    const started = Date.now();
    const timer = setInterval(
      () => postToPlugin({ type: 'notify', message: `Reimage: generating… ${formatDuration((Date.now() - started) / 1000)}` }),
      QUICK_ACTION_NOTIFY_EVERY_MS,
    );
    return () => clearInterval(timer);
  }, [launch, running]);

  if (!state || !settings) return <main class="loading">Loading…</main>;

  const items = selection ?? [];
  const limits = health && 'limits' in health ? health.limits : undefined;
  const mode = items.length === 0 ? 'generate' : 'edit';
  const canReplace = items.length === 1 && items[0].fillable;
  const replacing = replace && canReplace;
  const variants = replacing ? 1 : settings.variants;
  const emptyPrompt = mode === 'edit' ? 'Describe the edit in the prompt.' : 'Describe the image to create in the prompt.';
  const requestIssue = requestProblem(items.length, prompt.trim(), limits);
  const blocker = requestIssue ?? (prompt.trim() === '' ? emptyPrompt : undefined);

  function saveSettings(next: Settings) {
    setState((current) => current && { ...current, settings: next });
    postToPlugin({ type: 'save-settings', settings: next });
  }

  function updateRow(key: string, change: Partial<Row>) {
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));
  }

  /** Ends a Quick edit run; the sandbox finishes what it was asked first (history, the placed-job record). */
  function endQuickEdit(ending: QuickEditEnding) {
    postToPlugin({ type: 'close', ...ending });
  }

  /** Says what stops a generation: in the panel, or, with the panel hidden for Quick edit, in the notification that ends the run. */
  function reportProblem(message: string) {
    if (launch?.command === 'quick-edit') endQuickEdit(quickEditFailed(message));
    else setProblem(message);
  }

  function batchSettled(batchId: string, finalState: VariantState) {
    const left = (unsettled.current.get(batchId) ?? 1) - 1;
    unsettled.current.set(batchId, left);
    if (left > 0) return;
    postToPlugin({ type: 'arrange-batch', batchId });
    if (launch?.command === 'quick-edit') endQuickEdit(quickEditEnding(finalState));
  }

  /** Runs a row's job at the relay the job belongs to, with the token kept with it. */
  function schedule(row: Row) {
    unsettled.current.set(row.batchId, (unsettled.current.get(row.batchId) ?? 0) + 1);
    void limiter.current(async () => {
      if (row.controller.signal.aborted) return updateRow(row.key, { state: { phase: 'cancelled' } });
      updateRow(row.key, { startedAt: Date.now() });
      const spec = { ...row.spec, startedAt: Date.now() };
      const final = await runVariant(relayJobClient(spec.relay), figmaSandbox, spec, row.controller.signal, (next) =>
        updateRow(row.key, { state: next }),
      );
      batchSettled(row.batchId, final);
    });
  }

  /** Waits again for a job submitted before the plugin was closed, and places its image once. */
  function resume(job: PendingJob, init: InitState) {
    const batchId = newRequestId();
    const spec = resumedSpec(job, figmaSandbox, () => (panelIsSmall() ? `Reimage: “${job.generation.prompt.slice(0, 40)}” is on the canvas` : undefined));
    const row: Row = {
      key: `${batchId}:0`,
      batchId,
      label: `Resumed: ${job.generation.prompt.slice(0, 40)}`,
      state: { phase: 'queued' },
      startedAt: spec.startedAt,
      expectedSeconds: expectedSeconds(init.history, job.generation.size),
      controller: new AbortController(),
      attempt: 0,
      retryable: false,
      spec,
    };
    setRows((current) => [...current, row]);
    schedule(row);
  }

  async function generate(promptText = prompt.trim(), size: ImageSize = settings!.size, count = variants) {
    if (!settings || exporting) return;
    // The panel shows the blocker beside a disabled Generate; Quick edit has no panel to show it in.
    if (blocker) return launch?.command === 'quick-edit' ? reportProblem(blocker) : undefined;
    const relayLimits = (await healthCheck.current)?.limits;
    setProblem(undefined);
    const batchId = newRequestId();
    const createdAt = new Date().toISOString();
    let references: Awaited<ReturnType<typeof exportReferences>> = [];
    if (mode === 'edit') {
      setExporting(true);
      try {
        references = await exportReferences({ limits: relayLimits });
      } catch (error) {
        return reportProblem((error as Error).message);
      } finally {
        setExporting(false);
      }
    }
    const generation: GenerationRecord = { prompt: promptText, size, sourceNodeIds: references.map((r) => r.nodeId), createdAt };
    const placement: Placement = replacing ? { kind: 'replace', nodeId: items[0].id } : { kind: 'beside' };
    const request = jobRequestFor(generation, references);
    const relay = { relayUrl: settings.relayUrl, accessToken: settings.accessToken };
    const newRows: Row[] = Array.from({ length: count }, (_, index) => ({
      key: `${batchId}:${index}`,
      batchId,
      label: count > 1 ? `Variant ${index + 1}` : mode === 'edit' ? 'Edit' : 'New image',
      state: { phase: 'queued' },
      startedAt: Date.now(),
      expectedSeconds: expectedSeconds(state?.history ?? [], size),
      controller: new AbortController(),
      attempt: 0,
      retryable: true,
      spec: {
        job: { kind: 'new', request },
        idempotencyKey: `${batchId}-${index}-0`,
        generation,
        placement,
        batch: { id: batchId, index },
        referenceNames: references.map((r) => r.name),
        relay,
        startedAt: Date.now(),
        notifyOnPlace: () => (panelIsSmall() ? `Reimage: “${promptText.slice(0, 40)}” is on the canvas` : undefined),
      },
    }));
    setRows((current) => [...current.filter((row) => !isSettled(row.state) || row.state.phase === 'failed'), ...newRows]);
    newRows.forEach((row) => schedule(row));
  }

  function cancelRow(key: string) {
    rows.find((row) => row.key === key)?.controller.abort();
  }

  function retryRow(key: string) {
    const row = rows.find((candidate) => candidate.key === key);
    if (row?.spec.job.kind !== 'new') return;
    const attempt = row.attempt + 1;
    const retried: Row = {
      ...row,
      attempt,
      state: { phase: 'queued' },
      controller: new AbortController(),
      // A new job, for the relay in Settings now (fixed, perhaps, after the failure) with its own token.
      spec: {
        ...row.spec,
        idempotencyKey: `${row.batchId}-${row.spec.batch?.index ?? 0}-${attempt}`,
        relay: { relayUrl: settings!.relayUrl, accessToken: settings!.accessToken },
      },
    };
    setRows((current) => current.map((candidate) => (candidate.key === key ? retried : candidate)));
    schedule(retried);
  }

  async function placeUnplaced(key: string) {
    const row = rows.find((candidate) => candidate.key === key);
    if (row?.state.phase !== 'failed' || !row.state.unplaced) return;
    const { bytes, jobId } = row.state.unplaced;
    updateRow(key, { state: { phase: 'placing', jobId } });
    try {
      const placed = await figmaSandbox.place(bytes, { generation: row.spec.generation, placement: row.spec.placement, jobId });
      updateRow(key, { state: { phase: 'placed', ...placed } });
    } catch (error) {
      const unplaced = error instanceof PlacementError ? { bytes: error.bytes, jobId } : undefined;
      updateRow(key, { state: { phase: 'failed', message: (error as Error).message, unplaced } });
    }
  }

  async function placeFromHistory(entry: HistoryEntry) {
    if (!entry.jobId) return;
    setProblem(undefined);
    try {
      const result = await relayJobClient(settings!).wait(entry.jobId, {});
      const generation: GenerationRecord = { prompt: entry.prompt, size: entry.size, sourceNodeIds: [], createdAt: new Date().toISOString() };
      await figmaSandbox.place(result.bytes, { generation, placement: { kind: 'beside' } });
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  const healthBanner =
    health && 'problem' in health ? (
      <p class="banner warning" role="note">
        {health.problem}
      </p>
    ) : health?.mode === 'demo' ? (
      <p class="banner" role="note">
        Demo relay: results are transformed copies of your layers, made without AI. Set LLMEASY_API_KEY on the relay for real edits.
      </p>
    ) : null;

  return (
    <main ref={main}>
      <PanelHeader
        layerCount={items.length}
        settingsOpen={settingsOpen}
        settingsProblem={connection.state === 'problem'}
        onToggleSettings={() => setSettingsOpen((open) => !open)}
      />
      {settingsOpen && <SettingsPanel settings={settings} connection={connection} onSave={saveSettings} onClose={() => setSettingsOpen(false)} />}
      {healthBanner}
      <SelectionPreview items={items} thumbnails={thumbnails} />

      <PromptField
        prompt={prompt}
        mode={mode}
        savedPrompts={state.savedPrompts}
        onChange={setPrompt}
        onSubmit={() => void generate()}
        onSave={(text) => postToPlugin({ type: 'save-prompt', prompt: text })}
        onDelete={(id) => postToPlugin({ type: 'delete-prompt', id })}
      />

      <div class="row">
        <label class="field grow">
          <span>Size</span>
          <select
            value={settings.size}
            title={sizeUse(settings.size)}
            onChange={(e) => {
              const size = e.currentTarget.value;
              if (isImageSize(size)) saveSettings({ ...settings, size });
            }}
          >
            {IMAGE_SIZES.map((size) => (
              <option key={size.value} value={size.value} title={size.use}>
                {sizeLabel(size)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Variants</span>
          <select
            value={String(variants)}
            disabled={replacing}
            onChange={(e) => saveSettings({ ...settings, variants: Number(e.currentTarget.value) })}
          >
            {Array.from({ length: MAX_VARIANTS }, (_, i) => (
              <option key={i} value={String(i + 1)}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
      </div>

      {canReplace && (
        <label class="checkbox">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />
          <span>Replace the selected layer (its old fills stay underneath, hidden)</span>
        </label>
      )}

      <div class="actions">
        <span class="hint">⌘/Ctrl + Enter</span>
        <button type="button" class="primary" title={blocker} onClick={() => void generate()} disabled={Boolean(blocker) || exporting}>
          {variants > 1 ? `Generate ${variants}` : 'Generate'}
        </button>
      </div>
      {/* An empty prompt needs no words: Generate waits for one, its tooltip says so. */}
      {requestIssue && <p class="hint">{requestIssue}</p>}
      {exporting && <p class="hint">Exporting the selected layers…</p>}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}

      {state.waitingElsewhere > 0 && (
        <p class="hint" role="note">
          {waitingElsewhereText(state.waitingElsewhere)}
        </p>
      )}

      <RequestRows
        rows={rows}
        now={now}
        onCancel={cancelRow}
        onRetry={retryRow}
        onPlaceAgain={(key) => void placeUnplaced(key)}
        onDownload={imageUrl}
      />

      <HistoryPanel
        entries={state.history}
        onReuse={(entry) => {
          setPrompt(entry.prompt);
          saveSettings({ ...settings, size: entry.size });
        }}
        onPlaceAgain={(entry) => void placeFromHistory(entry)}
        toImageUrl={imageUrl}
      />
    </main>
  );
}
