/** The parts of a V8 .cpuprofile (as `node --cpu-prof` writes it) that say where time went. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  /** Self time in ms within the window. */
  ms: number;
}

export interface ProfileSummary {
  /** CPU time in ms within the window, idle excluded. */
  busyMs: number;
  top: HotFunction[];
}

const IDLE = '(idle)';

function label(frame: CpuProfile['nodes'][number]['callFrame']): string {
  // Dependencies by package path, project files by their last folder: short but unambiguous.
  const path = frame.url.replace(/^file:\/\//, '');
  const file = path.includes('node_modules/') ? path.slice(path.lastIndexOf('node_modules/') + 13) : path.split('/').slice(-2).join('/');
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/**
 * Self time per function for the samples taken between `fromUs` and `toUs` (the profile's clock,
 * which on Node is process.hrtime's in µs), heaviest first.
 */
export function hotFunctions(profile: CpuProfile, fromUs: number, toUs: number, count: number): ProfileSummary {
  const labels = new Map(profile.nodes.map((node) => [node.id, label(node.callFrame)]));
  const selfUs = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((nodeId, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) return;
    // A sample's delta is the time since the previous one, so it belongs to the next sample's function.
    const spent = profile.timeDeltas[i + 1] ?? 0;
    const name = labels.get(nodeId) ?? '(unknown)';
    selfUs.set(name, (selfUs.get(name) ?? 0) + spent);
  });
  selfUs.delete(IDLE);
  const all = [...selfUs.entries()].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { busyMs: all.reduce((sum, f) => sum + f.ms, 0), top: all.slice(0, count) };
}
