// Slack mrkdwn treats &, < and > as markup; user-typed text is escaped so it cannot ping @channel or fake links.
// The escaping and byte sizes are the runner's, so the bot's messages and the runner's result read alike.
export { escapeMrkdwn } from '@lifeboat/runners';

/** A user (U…/W…) or user-group (S…) mention. */
export const mention = (id: string): string => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

/** `12 s`, `4 min 3 s`, `1 h 2 min` — for durations shown to people. */
export const humanDuration = (seconds: number): string => {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
};

/** Cap a field at Slack's section-text limit (3000) with room to spare. */
export const clip = (text: string, max = 2900): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
