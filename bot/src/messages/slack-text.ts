// Slack mrkdwn treats &, < and > as markup; user-typed text is escaped so it cannot ping @channel or fake links.

export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A user (U…/W…) or user-group (S…) mention. */
export const mention = (id: string): string => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

/** `12 s`, `4 min 3 s`, `1 h 2 min` — for durations shown to people. */
export const humanDuration = (seconds: number): string => {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
};

export const humanBytes = (bytes: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
};

/** Cap a field at Slack's section-text limit (3000) with room to spare. */
export const clip = (text: string, max = 2900): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
