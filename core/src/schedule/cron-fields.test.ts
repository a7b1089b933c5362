import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { cronFields, parseCronFields, parsePlainCron } from './cron-fields.js';

/** What cron-parser itself says, in the same shape, for the differential test. */
const reference = (expression: string) => {
  try {
    const { fields } = CronExpressionParser.parse(expression, { tz: 'UTC' });
    return {
      ok: true,
      minutes: fields.minute.values.map(Number),
      hours: fields.hour.values.map(Number),
      daysOfMonth: [...fields.dayOfMonth.values],
      months: fields.month.values.map(Number),
      daysOfWeek: [...fields.dayOfWeek.values],
      dayOfMonthWildcard: fields.dayOfMonth.isWildcard,
      dayOfWeekWildcard: fields.dayOfWeek.isWildcard,
    };
  } catch {
    return { ok: false };
  }
};

const ours = (expression: string) => {
  const parsed = parseCronFields(expression);
  if (!parsed.ok) return { ok: false };
  const { special: _special, ...fields } = parsed.fields;
  return { ok: true, ...fields };
};

/** Seeded PRNG so a failure reproduces. */
const prng = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

describe('parseCronFields', () => {
  it('agrees with cron-parser on thousands of generated expressions, valid and invalid', () => {
    const random = prng(42);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
    // Mostly plausible numeric items (sometimes out of range, reversed or with a zero step), a few oddities.
    const item = (max: number) => {
      const n = () => String(random() < 0.9 ? int(max + 1) : int(max + 5));
      const step = () => String(random() < 0.9 ? 1 + int(max) : int(max + 5));
      const roll = random();
      if (roll < 0.35) return '*';
      if (roll < 0.6) return n();
      if (roll < 0.7) return `*/${step()}`;
      if (roll < 0.8) return `${n()}-${n()}`;
      if (roll < 0.87) return `${n()}-${n()}/${step()}`;
      if (roll < 0.91) return `${n()}/${step()}`;
      if (roll < 0.93) return `0${int(10)}`;
      // Not H: cron-parser picks a random value for it on every parse.
      return pick(['L', '?', 'mon', 'jan', '5L', '1#2', '', '1-', '*/x', '007', '1,1']);
    };
    const field = (max: number) =>
      Array.from({ length: random() < 0.75 ? 1 : 2 + int(2) }, () => item(max)).join(',');
    let compared = 0;
    let plain = 0;
    for (let i = 0; i < 6000; i++) {
      const expression = [field(59), field(23), field(31), random() < 0.8 ? '*' : field(12), field(7)].join(
        ' ',
      );
      expect([expression, ours(expression)]).toEqual([expression, reference(expression)]);
      compared++;
      if (parsePlainCron(expression)) plain++;
    }
    // The fast path must carry a real share of the cases, or this test would prove nothing about it.
    expect(plain).toBeGreaterThan(500);
    // Typical schedules, which must take the fast path and still agree.
    for (const expression of [
      '0 * * * *',
      '17 */4 * * *',
      '30 2 * * 0',
      '5,35 6-22/2 * * 1-5',
      '0 3 15 * *',
      '* * * * *',
    ]) {
      expect([expression, ours(expression)]).toEqual([expression, reference(expression)]);
      compared++;
    }
    expect(compared).toBe(6006);
  });

  it('takes the fast path for plain numeric schedules only', () => {
    expect(parsePlainCron('17 */4 * * 1-5')).toMatchObject({ minutes: [17], hours: [0, 4, 8, 12, 16, 20] });
    for (const other of [
      '@daily',
      '0 3 * * mon',
      '0 3 L * *',
      '0 3 1 1 *',
      '0 3 * * 7',
      '0,0 * * * *',
      '61 * * * *',
    ]) {
      expect([other, parsePlainCron(other)]).toEqual([other, undefined]);
    }
  });

  it('explains a refusal with cron-parser’s reason', () => {
    expect(parseCronFields('61 * * * *')).toEqual({
      ok: false,
      reason: 'Constraint error, got value 61 expected range 0-59',
    });
  });

  it('marks L, W and # as special', () => {
    expect(parseCronFields('0 3 L * *')).toMatchObject({ ok: true, fields: { special: true } });
    expect(parseCronFields('0 3 * * 5#2')).toMatchObject({ ok: true, fields: { special: true } });
    expect(parseCronFields('0 3 * * 5')).toMatchObject({ ok: true, fields: { special: false } });
  });
});

describe('cronFields', () => {
  it('lists minutes and hours of a daily job on every weekday', () => {
    expect(cronFields('30 2 * * *')).toEqual({ minutes: [30], hours: [2], weekdays: [0, 1, 2, 3, 4, 5, 6] });
  });

  it('restricts weekdays when only the day of the week is given, 7 being Sunday', () => {
    expect(cronFields('*/20 22-23,0-1 * * mon-fri')).toEqual({
      minutes: [0, 20, 40],
      hours: [0, 1, 22, 23],
      weekdays: [1, 2, 3, 4, 5],
    });
    expect(cronFields('0 3 * * 7').weekdays).toEqual([0]);
  });

  it('keeps the weekday of L and # forms', () => {
    expect(cronFields('0 3 * * 5L').weekdays).toEqual([5]);
    expect(cronFields('0 3 * * 6#1').weekdays).toEqual([6]);
  });

  it('allows every weekday when a day of the month decides', () => {
    expect(cronFields('0 3 1 * *').weekdays).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(cronFields('0 3 1 * 1').weekdays).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(cronFields('0 3 L * *').weekdays).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('understands macros', () => {
    expect(cronFields('@weekly')).toEqual({ minutes: [0], hours: [0], weekdays: [0] });
  });

  it('throws on an invalid expression, like cron-parser', () => {
    expect(() => cronFields('61 * * * *')).toThrow(/61/);
  });
});
