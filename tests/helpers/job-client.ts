import { buildEditForm } from '../../shared/edit-form';
import type { ImageSize } from '../../shared/sizes';
import { solidPng } from '../fakes/png';

/** A job as GET /v1/jobs/:id shows it. */
export interface JobView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  kind: 'edit' | 'generate';
  createdAt: string;
  finishedAt?: string;
  error?: { message: string; type: string; code: string };
  image?: { url: string; width: number; height: number; bytes: number };
}

export interface ErrorBody {
  error: { message: string; type: string; code: string };
}

export function editForm(prompt = 'Make it blue', size: ImageSize = '1024x1024'): FormData {
  return buildEditForm({ prompt, size, images: [{ filename: 'reference-1.png', bytes: solidPng(64, 48) }] });
}

/** POST /v1/images/edits with `Prefer: respond-async`. */
export function submitEdit(relayUrl: string, form: FormData = editForm(), headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${relayUrl}/v1/images/edits`, { method: 'POST', body: form, headers: { Prefer: 'respond-async', ...headers } });
}

export async function submittedJobId(response: Response): Promise<string> {
  if (response.status !== 202) throw new Error(`Expected 202, got ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

export async function getJob(relayUrl: string, id: string, waitSeconds = 0, headers: Record<string, string> = {}): Promise<{ status: number; body: JobView & ErrorBody }> {
  const response = await fetch(`${relayUrl}/v1/jobs/${id}?wait=${waitSeconds}`, { headers });
  return { status: response.status, body: (await response.json()) as JobView & ErrorBody };
}

/** Long-polls until the job has ended, as a client behind a proxy would. */
export async function waitForJob(relayUrl: string, id: string, waitSeconds: number, headers: Record<string, string> = {}): Promise<JobView> {
  for (;;) {
    const { status, body } = await getJob(relayUrl, id, waitSeconds, headers);
    if (status !== 200) throw new Error(`GET job answered ${status}: ${JSON.stringify(body)}`);
    if (body.status !== 'queued' && body.status !== 'running') return body;
  }
}

export async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<{ response: Response; bytes: Uint8Array }> {
  const response = await fetch(url, { headers });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}
