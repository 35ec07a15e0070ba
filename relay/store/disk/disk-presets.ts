import { newPresetId, type TeamPreset, type TeamPresets } from '../presets';
import { AppendLog } from './append-log';

type PresetChange = { added: TeamPreset } | { removed: string };

/** Team presets on disk: RELAY_DATA_DIR/presets.jsonl, one line per preset added or removed. */
export class DiskPresets implements TeamPresets {
  private readonly log: AppendLog<PresetChange>;

  constructor(file: string) {
    this.log = new AppendLog(file);
  }

  async list(): Promise<TeamPreset[]> {
    const presets = new Map<string, TeamPreset>();
    for (const change of await this.log.read()) {
      if ('added' in change) presets.set(change.added.id, change.added);
      else presets.delete(change.removed);
    }
    return [...presets.values()];
  }

  async add(preset: Omit<TeamPreset, 'id'>): Promise<TeamPreset> {
    const added = { id: newPresetId(), ...preset };
    await this.log.append({ added });
    return added;
  }

  async remove(id: string): Promise<boolean> {
    if (!(await this.list()).some((preset) => preset.id === id)) return false;
    await this.log.append({ removed: id });
    return true;
  }
}
