/** Figma cuts `figma.notify` messages past 100 characters (plugin typings, `notify`). */
export const NOTIFICATION_LIMIT = 100;

/** How much of what happened, when it fits alone, must survive for the advice to be kept beside it. */
const MOSTLY = 0.6;
/** The fewest characters of what happened worth showing before the advice. */
const MIN_HAPPENED = 20;

function cutAtWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > limit / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/**
 * A message fitted to a notification, so Figma never cuts it where we did not choose. Our messages
 * say what happened, then what to do: asides in parentheses go first, then the advice's later
 * clauses ("…; if it keeps failing, tell your admin"); then what happened is shortened at a word to
 * keep the advice, unless it fits alone and the cut would leave little of it: then it is kept alone
 * (such first sentences name the fix too: "…networkAccess must list it"). Past that, the end is cut.
 */
export function fitNotification(message: string, limit = NOTIFICATION_LIMIT): string {
  const text = message.replace(/\s+/g, ' ').trim();
  if (text.length <= limit) return text;
  const plain = text.replace(/\s*\([^)]*\)/g, '');
  if (plain.length <= limit) return plain;
  let adviceStart = 0;
  for (const boundary of plain.matchAll(/[.!?]\s+(?=\S)/g)) adviceStart = (boundary.index ?? 0) + boundary[0].length;
  if (adviceStart === 0) return cutAtWord(plain, limit);
  const happened = plain.slice(0, adviceStart).trim();
  const advice = plain.slice(adviceStart);
  const firstClause = `${advice.split(/;\s+/)[0].replace(/[.!?]$/, '')}.`;
  for (const told of [advice, firstClause]) if (happened.length + 1 + told.length <= limit) return `${happened} ${told}`;
  const room = limit - firstClause.length - 1;
  if (happened.length <= limit && room < MOSTLY * happened.length) return happened;
  return room >= MIN_HAPPENED ? `${cutAtWord(happened, room)} ${firstClause}` : cutAtWord(plain, limit);
}
