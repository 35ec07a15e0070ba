import { useEffect, useRef, useState } from 'preact/hooks';
import type { GenerationRecord, HistoryEntry, InitState, PendingJob, Placement, RegionSelection, SelectionItem, Settings } from '../shared/protocol';
import { closestSize, IMAGE_SIZES, type ImageSize, isImageSize, sizeLabel, sizeUse } from '../shared/sizes';
import { HistoryPanel } from './components/HistoryPanel';
import { PanelHeader } from './components/PanelHeader';
import { PromptField } from './components/PromptField';
import { RequestRows } from './components/RequestRows';
import { SelectionPreview } from './components/SelectionPreview';
import { SettingsPanel } from './components/SettingsPanel';
import { expectedSeconds } from './expected-time';
import { batchRows, createGenerationQueue, EMPTY_QUEUE, foldRuns, isRunning, resumedRow } from './generation-queue';
import { jobRequestFor, relayJobClient } from './job-client';
import { onPluginMessage, postToPlugin } from './plugin-channel';
import { QUICK_EDIT_NOTIFY_EVERY_MS, quickEditEnding, quickEditFailed, type QuickEditEnding, quickEditProgress, quickEditStart } from './quick-edit';
import { fetchRelayHealth, fetchRelayIdentity, fetchTeamPresets, type RelayHealth, RelayUnreachableError } from './relay-client';
import type { TeamPreset } from '../shared/team-preset';
import { HEALTH_PROBE_MS, type RelayOutage, relayOutage } from './relay-down';
import { RelayDownBanner } from './components/RelayDownBanner';
import { openedWith, type OpenedWith, panelChoices, pickSize, pickVariants } from './panel-choices';
import { placeAgain } from './place-again';
import { type ConnectionStatus, connectionProblem } from './connection-status';
import { requestProblem } from './request-check';
import { regionEdit } from './region-edit';
import { resumedSpec } from './resumed-job';
import { exportReferences, exportRegion, figmaSandbox, newRequestId } from './sandbox-requests';
import type { VariantState } from './variant-run';

const MAX_VARIANTS = 8;
/** The relay runs at most 4 jobs at once per access token by default. */
const PARALLEL_REQUESTS = 4;

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
  const [region, setRegion] = useState<RegionSelection>();
  /** "Edit inside the shape": ticked when the selection is a layer and a shape over it. */
  const [regionMode, setRegionMode] = useState(false);
  const [thumbnails, setThumbnails] = useState<Record<string, string>>({});
  const [prompt, setPrompt] = useState('');
  const [teamPresets, setTeamPresets] = useState<TeamPreset[]>([]);
  const [replace, setReplace] = useState(false);
  const [opened, setOpened] = useState<OpenedWith>({});
  const [queueState, setQueueState] = useState(EMPTY_QUEUE);
  const [problem, setProblem] = useState<string>();
  const [exporting, setExporting] = useState(false);
  const [health, setHealth] = useState<RelayHealth | { problem: string }>();
  /** While the health check cannot reach the relay: when it asks again. */
  const [healthOutage, setHealthOutage] = useState<RelayOutage>();
  const [healthProbe, setHealthProbe] = useState(0);
  const [connection, setConnection] = useState<ConnectionStatus>({ state: 'checking' });
  const [settingsOpen, setSettingsOpen] = useState(false);
  /** The relay's health as it will be known: Generate waits for it, for the relay's limits. */
  const healthCheck = useRef<Promise<RelayHealth | undefined>>(Promise.resolve(undefined));
  const [now, setNow] = useState(Date.now());
  /** Read by the queue when a batch settles, which may be many renders after it started. */
  const launchNow = useRef<InitState['launch'] | undefined>(undefined);
  const [queue] = useState(() =>
    createGenerationQueue({
      sandbox: figmaSandbox,
      jobsFor: (relay, wake) => relayJobClient(relay, undefined, wake),
      parallel: PARALLEL_REQUESTS,
      onBatchSettled: (batchId, final) => batchSettled(batchId, final),
    }),
  );
  const quickEditStarted = useRef(false);
  const main = useRef<HTMLElement>(null);

  const settings = state?.settings;
  const launch = state?.launch;
  launchNow.current = launch;
  const running = isRunning(queueState);

  useEffect(() => {
    setQueueState(queue.getState());
    return queue.subscribe(setQueueState);
  }, []);

  useEffect(() => {
    const stop = onPluginMessage((message) => {
      if (message.type === 'init') {
        const { type: _type, ...init } = message;
        setState(init);
        setProblem(init.problem);
        setSettingsOpen(init.launch.command === 'settings');
        if ('prompt' in init.launch) setPrompt(init.launch.prompt);
        setOpened(openedWith(init.launch));
        init.pendingJobs.forEach((job) => resume(job, init));
      }
      if (message.type === 'selection') {
        setSelection(message.items);
        setRegion(message.region);
      }
      if (message.type === 'thumbnail') {
        const url = imageUrl(message.bytes);
        setThumbnails((current) => ({ ...current, [message.nodeId]: url }));
      }
      if (message.type === 'history') setState((current) => current && { ...current, history: message.entries });
      if (message.type === 'saved-prompts') setState((current) => current && { ...current, savedPrompts: message.prompts });
      // Quick edit's Cancel: the relay job is cancelled, and the run ends with its notification.
      if (message.type === 'notification-action' && message.action === 'cancel') queue.cancelAll();
    });
    postToPlugin({ type: 'ready' });
    return stop;
  }, []);

  // An unreachable relay is asked again every few seconds; once it answers, waiting rows try at once.
  useEffect(() => {
    if (!settings) return;
    let probe: ReturnType<typeof setTimeout> | undefined;
    const check = fetchRelayHealth(settings);
    healthCheck.current = check.catch(() => undefined);
    check.then(
      (answer) => {
        setHealth(answer);
        setHealthOutage(undefined);
        queue.retryNow();
      },
      (error: Error) => {
        setHealth({ problem: error.message });
        if (!(error instanceof RelayUnreachableError)) return setHealthOutage(undefined);
        setHealthOutage({ relayUrl: settings.relayUrl, retryAt: Date.now() + HEALTH_PROBE_MS });
        probe = setTimeout(() => setHealthProbe((count) => count + 1), HEALTH_PROBE_MS);
      },
    );
    return () => clearTimeout(probe);
  }, [settings?.relayUrl, settings?.accessToken, healthProbe]);

  // The token is checked as soon as it is saved (and on open), not first at Generate.
  useEffect(() => {
    if (!settings) return;
    const identityCheck = new AbortController();
    setConnection({ state: 'checking' });
    fetchRelayIdentity(settings, identityCheck.signal).then(
      (identity) => setConnection({ state: 'connected', identity }),
      (error: unknown) => identityCheck.signal.aborted || setConnection(connectionProblem(error)),
    );
    // The team's presets come from the relay the token works with; none while it cannot say.
    fetchTeamPresets(settings, identityCheck.signal).then(setTeamPresets, () => identityCheck.signal.aborted || setTeamPresets([]));
    return () => identityCheck.abort();
  }, [settings?.relayUrl, settings?.accessToken]);

  // A token the relay refuses is shown where it is fixed, without waiting for Generate.
  useEffect(() => {
    if (connection.state === 'problem' && connection.tokenRejected) setSettingsOpen(true);
  }, [connection]);

  // "Replace the selected layer" is for the layer it was ticked on: another selection starts unticked.
  const selectedIds = (selection ?? []).map((item) => item.id).join(',');
  useEffect(() => setReplace(false), [selectedIds]);
  // A layer and a shape over it are most likely a region edit: the panel offers it ticked.
  useEffect(() => setRegionMode(region !== undefined && !('problem' in region)), [selectedIds]);

  const outage = relayOutage(queueState, healthOutage);
  const ticking = running || outage !== undefined;
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);

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
      const relayHealth = await healthCheck.current;
      const start = quickEditStart(selection.length, region, launch.prompt, relayHealth?.limits);
      if ('problem' in start) return endQuickEdit(quickEditFailed(start.problem));
      if (start.inShape) await generateInShape(launch.prompt, 1, newRequestId(), new Date().toISOString(), relayHealth);
      else await generate(launch.prompt, launch.size, 1);
    })().catch((error: Error) => endQuickEdit(quickEditFailed(`something went wrong: ${error.message}. Try again, or open Reimage to see more.`)));
  }, [launch, selection]);

  useEffect(() => {
    if (launch?.command !== 'quick-edit' || !running) return;
    const started = Date.now();
    postToPlugin(quickEditProgress(0));
    const timer = setInterval(() => postToPlugin(quickEditProgress((Date.now() - started) / 1000)), QUICK_EDIT_NOTIFY_EVERY_MS);
    return () => clearInterval(timer);
  }, [launch, running]);

  if (!state || !settings) return <main class="loading">Loading…</main>;

  const items = selection ?? [];
  const limits = health && 'limits' in health ? health.limits : undefined;
  const mode = items.length === 0 ? 'generate' : 'edit';
  const inShape = regionMode && items.length > 0;
  const regionProblem = inShape && region && 'problem' in region ? region.problem : undefined;
  const canReplace = inShape ? region !== undefined && 'layerFillable' in region && region.layerFillable : items.length === 1 && items[0].fillable;
  const replacing = replace && canReplace;
  const choices = panelChoices(settings, opened, items);
  const regionSize = inShape && region && 'crop' in region ? closestSize(region.crop) : undefined;
  const variants = replacing ? 1 : choices.variants;
  const emptyPrompt = mode === 'edit' ? 'Describe the edit in the prompt.' : 'Describe the image to create in the prompt.';
  const requestIssue = regionProblem ?? requestProblem(inShape ? 1 : items.length, prompt.trim(), limits);
  const blocker = requestIssue ?? (prompt.trim() === '' ? emptyPrompt : undefined);

  function saveSettings(next: Settings) {
    setState((current) => current && { ...current, settings: next });
    postToPlugin({ type: 'save-settings', settings: next });
  }

  function chooseSize(size: ImageSize) {
    setOpened((current) => ({ ...current, size: undefined }));
    saveSettings(pickSize(settings!, size));
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
    postToPlugin({ type: 'arrange-batch', batchId });
    if (launchNow.current?.command === 'quick-edit') endQuickEdit(quickEditEnding(finalState));
  }

  /** Waits again for a job submitted before the plugin was closed, and places its image once. */
  function resume(job: PendingJob, init: InitState) {
    const batchId = newRequestId();
    const spec = resumedSpec(job, figmaSandbox, () => (panelIsSmall() ? `Reimage: “${job.generation.prompt.slice(0, 40)}” is on the canvas` : undefined));
    // Its relay's mode is not known yet: the longer, live estimate is the one that cannot mislead.
    queue.add([resumedRow(batchId, spec, expectedSeconds(init.history, job.generation.size, 'live'))]);
  }

  async function generate(promptText = prompt.trim(), size: ImageSize = choices.size, count = variants) {
    if (!settings || exporting) return;
    // The panel shows the blocker beside a disabled Generate; Quick edit has no panel to show it in.
    if (blocker) return launch?.command === 'quick-edit' ? reportProblem(blocker) : undefined;
    const relayHealth = await healthCheck.current;
    const relayLimits = relayHealth?.limits;
    setProblem(undefined);
    const batchId = newRequestId();
    const createdAt = new Date().toISOString();
    if (inShape) return generateInShape(promptText, count, batchId, createdAt, relayHealth);
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
    addBatch({ batchId, count, generation, placement, request, referenceNames: references.map((r) => r.name), relayHealth, label: mode === 'edit' ? 'Edit' : 'New image' });
  }

  /** Queues one row per variant of a generation, each its own job. */
  function addBatch(batch: {
    batchId: string;
    count: number;
    generation: GenerationRecord;
    placement: Placement;
    request: ReturnType<typeof jobRequestFor>;
    referenceNames: string[];
    relayHealth: RelayHealth | undefined;
    label: string;
    compose?: (answer: Uint8Array) => Promise<Uint8Array>;
  }) {
    const { batchId, count, generation, relayHealth } = batch;
    const relay = { relayUrl: settings!.relayUrl, accessToken: settings!.accessToken };
    queue.add(
      batchRows({
        batchId,
        count,
        label: (index) => (count > 1 ? `Variant ${index + 1}` : batch.label),
        expectedSeconds: expectedSeconds(state?.history ?? [], generation.size, relayHealth?.mode ?? 'live'),
        now: Date.now(),
        spec: (index, idempotencyKey) => ({
          job: { kind: 'new', request: batch.request },
          idempotencyKey,
          generation: count > 1 ? { ...generation, variant: { number: index + 1, of: count } } : generation,
          placement: batch.placement,
          batch: { id: batchId, index },
          referenceNames: batch.referenceNames,
          relay,
          relayMode: relayHealth?.mode,
          startedAt: Date.now(),
          notifyOnPlace: () => (panelIsSmall() ? `Reimage: “${generation.prompt.slice(0, 40)}” is on the canvas` : undefined),
          ...(batch.compose ? { compose: batch.compose } : {}),
        }),
      }),
    );
  }

  /** Edit inside the shape: an ordinary edit of the crop around the shape, each answer put back into the layer before it is placed. */
  async function generateInShape(promptText: string, count: number, batchId: string, createdAt: string, relayHealth: RelayHealth | undefined) {
    setExporting(true);
    let edit: Awaited<ReturnType<typeof regionEdit>>;
    try {
      edit = await regionEdit(await exportRegion(), promptText, settings!.featherPx, createdAt);
    } catch (error) {
      return reportProblem((error as Error).message);
    } finally {
      setExporting(false);
    }
    const placement: Placement = replacing ? { kind: 'replace', nodeId: edit.layerId } : { kind: 'beside' };
    addBatch({ batchId, count, placement, relayHealth, label: 'Edit inside the shape', ...edit });
  }

  async function placeFromHistory(entry: HistoryEntry) {
    if (!entry.jobId) return;
    setProblem(undefined);
    try {
      const result = await relayJobClient(settings!).wait(entry.jobId, {});
      const { bytes, generation } = await placeAgain(entry, result.bytes, { fileId: state!.fileId, exportRegion }, new Date().toISOString());
      await figmaSandbox.place(bytes, { generation, placement: { kind: 'beside' } });
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  const healthBanner = outage ? (
    <RelayDownBanner
      outage={outage}
      now={now}
      onRetryNow={() => {
        setHealthProbe((count) => count + 1);
        queue.retryNow();
      }}
    />
  ) : health && 'problem' in health ? (
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
        regionLayer={inShape && region && 'layerName' in region ? region.layerName : undefined}
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
        teamPresets={teamPresets}
        onChange={setPrompt}
        onSubmit={() => void generate()}
        onSave={(text) => postToPlugin({ type: 'save-prompt', prompt: text })}
        onDelete={(id) => postToPlugin({ type: 'delete-prompt', id })}
      />

      <div class="row">
        <label class="field grow">
          <span>Size</span>
          <select
            value={regionSize ?? choices.size}
            disabled={inShape}
            title={inShape ? 'An edit inside a shape uses the size closest to the shape of the part it sends' : sizeUse(choices.size)}
            onChange={(e) => {
              const size = e.currentTarget.value;
              if (isImageSize(size)) chooseSize(size);
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
            onChange={(e) => {
              setOpened((current) => ({ ...current, variants: undefined }));
              saveSettings(pickVariants(settings, Number(e.currentTarget.value)));
            }}
          >
            {Array.from({ length: MAX_VARIANTS }, (_, i) => (
              <option key={i} value={String(i + 1)}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
      </div>

      {items.length > 0 && (
        <label class="checkbox">
          <input type="checkbox" checked={regionMode} onChange={(e) => setRegionMode(e.currentTarget.checked)} />
          <span>
            Edit inside the shape
            {region && 'shapeName' in region ? ` “${region.shapeName}” on “${region.layerName}”` : ' (draw a shape over the part to change)'}
          </span>
        </label>
      )}

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
      {exporting && <p class="hint">{inShape ? 'Exporting the layer and the shape…' : 'Exporting the selected layers…'}</p>}
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
        {...foldRuns(queueState)}
        now={now}
        onDismiss={(key) => queue.dismiss(key)}
        onCancel={(key) => queue.cancel(key)}
        // A new job, for the relay in Settings now (fixed, perhaps, after the failure) with its own token.
        onRetry={(key) => queue.retry(key, { relayUrl: settings.relayUrl, accessToken: settings.accessToken })}
        onPlaceAgain={(key) => void queue.placeUnplaced(key)}
        onDownload={imageUrl}
      />

      <HistoryPanel
        entries={state.history}
        onReuse={(entry) => {
          setPrompt(entry.prompt);
          chooseSize(entry.size);
        }}
        onPlaceAgain={(entry) => void placeFromHistory(entry)}
        toImageUrl={imageUrl}
      />
    </main>
  );
}
