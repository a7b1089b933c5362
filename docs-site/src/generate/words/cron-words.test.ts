import { describe, expect, it } from 'vitest';
import { describeCron } from './cron-words.js';
import { describeRetention } from './retention-words.js';

describe('describeCron', () => {
  it.each([
    ['0 3 * * *', 'at 03:00, every day'],
    ['15 */2 * * *', 'every 2 hours at 15 minutes past, from 00:15 to 22:15, every day'],
    ['30 23 * * 6', 'at 23:30, on Saturdays'],
    ['0 1 * * 0', 'at 01:00, on Sundays'],
    ['0 7 * * 7', 'at 07:00, on Sundays'],
    ['*/15 * * * *', 'every 15 minutes, every day'],
    ['5 * * * *', 'every hour at 05 minutes past, every day'],
    ['0 2,14 * * *', 'at 02:00 and 14:00, every day'],
    ['30 1 * * 1-5', 'at 01:30, on weekdays (Monday to Friday)'],
    ['0 4 * * 1,4', 'at 04:00, on Mondays and Thursdays'],
    ['0 4 * * 2-4', 'at 04:00, on Tuesday to Thursday'],
    ['0 5 1 * *', 'at 05:00, on the 1st of the month'],
    ['0 5 1,15 * *', 'at 05:00, on the 1st and 15th of the month'],
    ['0 5 1 1,7 *', 'at 05:00, on the 1st of the month in January and July'],
    ['0 6 1 * 0', 'at 06:00, on the 1st of the month and on Sundays'],
    ['@daily', 'at 00:00, every day'],
    ['@weekly', 'at 00:00, on Sundays'],
    ['0 0 * * 0,6', 'at 00:00, on weekends'],
  ])('%s → %s', (cron, words) => {
    expect(describeCron(cron)).toBe(words);
  });

  it('says when a cron is not valid instead of guessing', () => {
    expect(describeCron('61 * * * *')).toContain('not a valid schedule');
    expect(describeCron('0 0 * *')).toContain('not a valid schedule');
    expect(describeCron('H 3 * * *')).toContain('not a valid schedule');
  });

  it('lists irregular hours as ranges', () => {
    expect(describeCron('0 1-3,8-11,20 * * *')).toBe(
      'at 00 minutes past the hour from 01:00 to 03:00, 08:00 to 11:00 and 20:00, every day',
    );
  });

  it('says every hour within a range', () => {
    expect(describeCron('0 8-17 * * 1-5')).toBe(
      'every hour at 00 minutes past, from 08:00 to 17:00, on weekdays (Monday to Friday)',
    );
  });
});

describe('describeRetention', () => {
  it('names every rule in order', () => {
    expect(describeRetention({ keepLast: 3, keepDaily: 7, keepWeekly: 4, keepWithin: '2w' })).toBe(
      'Keeps the 3 most recent snapshots, the last 7 daily and 4 weekly snapshots and every snapshot from the last 14d; restic forgets the rest after each successful backup.',
    );
    expect(describeRetention({ keepLast: 1 })).toContain('the most recent snapshot;');
    expect(describeRetention({})).toContain('Keeps nothing');
  });
});
