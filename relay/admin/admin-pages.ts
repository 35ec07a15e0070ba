import { html, raw } from 'hono/html';
import type { MonthlyCap } from '../store/budgets';
import type { TeamPreset } from '../store/presets';
import type { UsageMonth } from '../usage-month';
import { durationText, type PersonUsage } from '../usage-report';
import { ADMIN_STYLE } from './admin-style';
import { usageChart } from './usage-chart';

export type Html = ReturnType<typeof html>;

/** One person on the admin page: their token's use, this month's images and their budget. */
export interface PersonView extends PersonUsage {
  lastUsedAt?: string;
  /** Still has a token (a revoked person's images stay in the month's usage). */
  active: boolean;
  own?: MonthlyCap;
  /** The cap that holds for them; absent: none. */
  cap?: number;
}

export interface DashboardView {
  csrf: string;
  month: UsageMonth;
  people: PersonView[];
  daily: Map<string, number[]>;
  presets: TeamPreset[];
  defaultCap?: number;
  notice?: string;
  error?: string;
  /** The token just made: shown this once. */
  created?: CreatedToken;
}

export interface CreatedToken {
  name: string;
  token: string;
  code?: string;
}

function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Reimage relay</title>
<style>${raw(ADMIN_STYLE)}</style>
</head>
<body>${body}</body>
</html>`;
}

function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

function when(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'never';
}

export function signInPage(problem?: string): Html {
  return page(
    'Sign in',
    html`<main class="sign-in">
      <h1>Reimage relay admin</h1>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      <form method="post" action="/admin/sign-in" class="stack">
        <div class="field">
          <label for="admin-token">Admin token</label>
          <span class="hint" id="admin-token-hint">The relay's ADMIN_TOKEN, as set where it runs.</span>
          <input id="admin-token" name="adminToken" type="password" autocomplete="current-password" required autofocus aria-describedby="admin-token-hint">
        </div>
        <div><button type="submit">Sign in</button></div>
      </form>
    </main>`,
  );
}

/** What holds for a person without a cap of their own. */
function defaultBudgetText(person: PersonView): string {
  return person.cap === undefined ? 'no cap' : `${person.cap} (default)`;
}

function personRow(person: PersonView, view: DashboardView): Html {
  const used = person.cap === undefined ? `${person.made}` : `${person.made} of ${person.cap}`;
  const budgetId = `budget-${person.name}`;
  return html`<tr>
    <th scope="row">${person.name}${person.active ? '' : html` <span class="secondary">(revoked)</span>`}</th>
    <td>${person.active ? when(person.lastUsedAt) : '—'}</td>
    <td class="number">${used}</td>
    <td class="number">${person.failed}</td>
    <td class="number">${durationText(person.providerMs)}</td>
    ${person.cost === undefined ? '' : html`<td class="number">${person.cost.toFixed(2)}</td>`}
    <td>
      ${person.active
        ? html`<form method="post" action="/admin/people/${encodeURIComponent(person.name)}/budget" class="inline">
            ${csrfField(view.csrf)}
            <label for="${budgetId}" class="visually-hidden">Monthly images for ${person.name}</label>
            <input id="${budgetId}" class="budget" name="monthlyImages" value="${person.own ?? ''}" placeholder="${view.defaultCap ?? 'no cap'}" inputmode="numeric" aria-describedby="budget-hint">
            <button type="submit" class="secondary" aria-label="Set ${person.name}'s budget">Set</button>
          </form>
          ${person.own === undefined ? html`<span class="secondary">${defaultBudgetText(person)}</span>` : ''}`
        : ''}
    </td>
    <td>
      ${person.active
        ? html`<form method="post" action="/admin/people/${encodeURIComponent(person.name)}/revoke">
            ${csrfField(view.csrf)}
            <button type="submit" class="danger" aria-label="Revoke ${person.name}'s token">Revoke</button>
          </form>`
        : ''}
    </td>
  </tr>`;
}

function createdToken(created: CreatedToken): Html {
  return html`<section class="once" aria-labelledby="created-title" role="status">
    <h2 id="created-title">${created.name}'s token: shown only this once</h2>
    ${created.code
      ? html`<div class="field">
            <label for="connection-code">Connection code</label>
            <span class="hint" id="connection-code-hint">Send it to ${created.name} privately; they paste it in Reimage → Settings → Connection code. It sets the relay and the token in one paste.</span>
            <input id="connection-code" readonly value="${created.code}" aria-describedby="connection-code-hint">
          </div>`
      : html`<p class="secondary">Set PUBLIC_URL to this relay's address (such as https://relay.example.com) to get a connection code: one paste that sets both.</p>`}
    <div class="field">
      <label for="access-token">Access token</label>
      <span class="hint" id="access-token-hint">Or the token alone, for Settings → Access token. Nobody can read it again, not even you: a lost token is revoked and a new one made.</span>
      <input id="access-token" readonly value="${created.token}" aria-describedby="access-token-hint">
    </div>
  </section>`;
}

function header(csrf: string): Html {
  return html`<header>
    <h1>Reimage relay admin</h1>
    <form method="post" action="/admin/sign-out">${csrfField(csrf)}<button type="submit" class="secondary">Sign out</button></form>
  </header>`;
}

/**
 * What the signed-in admin sees when the page could not be read or a form not done (the store
 * failed): what happened, the token just made if there is one (so it is never lost), and the way
 * back to the page (a link, not the browser's reload, which would send the form again).
 */
export function problemPage(view: { csrf: string; error: string; created?: CreatedToken }): Html {
  return page(
    'Admin',
    html`<main>
      ${header(view.csrf)}
      <p class="error" role="alert">${view.error}</p>
      ${view.created ? createdToken(view.created) : ''}
      <p><a href="/admin">Back to the admin page</a></p>
    </main>`,
  );
}

export function dashboardPage(view: DashboardView): Html {
  const priced = view.people.some((p) => p.cost !== undefined);
  return page(
    'Admin',
    html`<main>
      ${header(view.csrf)}
      ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
      ${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
      ${view.created ? createdToken(view.created) : ''}
      <section aria-labelledby="people-title">
        <h2 id="people-title">People</h2>
        <p class="secondary" id="budget-hint">
          Images in ${view.month.label} (UTC). A monthly budget is a whole number of images, "unlimited", or empty for the default
          (${view.defaultCap === undefined ? 'no cap: MONTHLY_IMAGES_PER_TOKEN is not set' : `${view.defaultCap}, from MONTHLY_IMAGES_PER_TOKEN`}).
        </p>
        ${view.people.length === 0
          ? html`<p>No tokens yet. Create one per person below.</p>`
          : html`<table>
              <thead><tr>
                <th scope="col">Person</th><th scope="col">Last used</th><th scope="col" class="number">Images this month</th><th scope="col" class="number">Failed</th>
                <th scope="col" class="number">Provider time</th>${priced ? html`<th scope="col" class="number">Est. cost</th>` : ''}<th scope="col">Monthly budget</th><th scope="col"><span class="hint">Token</span></th>
              </tr></thead>
              <tbody>${view.people.map((person) => personRow(person, view))}</tbody>
            </table>`}
      </section>
      <section aria-labelledby="create-title">
        <h2 id="create-title">Create a token</h2>
        <form method="post" action="/admin/people" class="stack">
          ${csrfField(view.csrf)}
          <div class="field">
            <label for="new-name">Name</label>
            <span class="hint" id="new-name-hint">1 to 64 letters, digits, dots, dashes, underscores or @, such as alice or alice@example.com.</span>
            <input id="new-name" name="name" required maxlength="64" autocomplete="off" aria-describedby="new-name-hint">
          </div>
          <div class="field">
            <label for="new-budget">Monthly images <span class="hint">(optional)</span></label>
            <input id="new-budget" class="budget" name="monthlyImages" inputmode="numeric" placeholder="${view.defaultCap ?? 'no cap'}" aria-describedby="budget-hint">
          </div>
          <div><button type="submit">Create token</button></div>
        </form>
      </section>
      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">Images per day</h2>
        ${usageChart(view.month, view.daily)}
      </section>
      <section aria-labelledby="presets-title">
        <h2 id="presets-title">Team presets</h2>
        <p class="secondary">Prompts every designer sees first in the plugin's Presets menu, as "Team presets".</p>
        ${view.presets.length === 0
          ? html`<p>No team presets yet.</p>`
          : html`<ul class="presets">
              ${view.presets.map(
                (preset) => html`<li>
                  <div><strong>${preset.label}</strong><br><span class="secondary">${preset.prompt}</span></div>
                  <form method="post" action="/admin/presets/${encodeURIComponent(preset.id)}/remove">
                    ${csrfField(view.csrf)}<button type="submit" class="danger" aria-label="Remove the preset ${preset.label}">Remove</button>
                  </form>
                </li>`,
              )}
            </ul>`}
        <form method="post" action="/admin/presets" class="stack">
          ${csrfField(view.csrf)}
          <div class="field"><label for="preset-label">Label</label><input id="preset-label" name="label" required maxlength="60"></div>
          <div class="field"><label for="preset-prompt">Prompt</label><textarea id="preset-prompt" name="prompt" required></textarea></div>
          <div><button type="submit">Add preset</button></div>
        </form>
      </section>
    </main>`,
  );
}
