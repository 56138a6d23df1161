import assert from 'node:assert/strict';
import { nextOccurrence, parseCron, planDueRun } from './cron-plan.util';

/** Brute force: every whole second in (since, now] that matches a seconds-resolution "every n seconds" cron. */
function oracle(everySeconds: number, since: Date, now: Date) {
  const hits: number[] = [];
  for (let t = Math.floor(since.getTime() / 1000) + 1; t * 1000 <= now.getTime(); t++) if ((t % 60) % everySeconds === 0) hits.push(t * 1000);
  return hits;
}

describe('planDueRun (the catch-up rule)', () => {
  it('runs only the most recent missed occurrence and counts the rest as skipped, like a brute-force walk', () => {
    const base = Date.UTC(2026, 0, 1, 0, 0, 0);
    for (const every of [2, 3, 5, 7, 10, 15, 20, 30]) {
      for (let trial = 0; trial < 40; trial++) {
        const since = new Date(base + ((trial * 7919) % 5000) * 100);
        const now = new Date(since.getTime() + ((trial * 104729) % 200) * 1000 + (trial % 3) * 250);
        const expected = oracle(every, since, now);
        const planned = planDueRun(`*/${every} * * * * *`, since, now);
        if (expected.length === 0) assert.equal(planned, null, `every ${every}s since ${since.toISOString()} now ${now.toISOString()}`);
        else {
          assert.ok(planned);
          assert.equal(planned.dueAt.getTime(), expected[expected.length - 1]);
          assert.equal(planned.skipped, expected.length - 1);
        }
      }
    }
  });

  it('plans nothing twice: planning again from the planned occurrence finds nothing until the next one', () => {
    const since = new Date('2026-03-01T01:59:00Z');
    const first = planDueRun('0 2 * * *', since, new Date('2026-03-01T02:00:30Z'));
    assert.equal(first?.dueAt.toISOString(), '2026-03-01T02:00:00.000Z');
    assert.equal(planDueRun('0 2 * * *', first!.dueAt, new Date('2026-03-01T23:00:00Z')), null);
    const afterDowntime = planDueRun('0 2 * * *', first!.dueAt, new Date('2026-03-05T12:00:00Z'));
    assert.deepEqual(afterDowntime && { due: afterDowntime.dueAt.toISOString(), skipped: afterDowntime.skipped }, { due: '2026-03-05T02:00:00.000Z', skipped: 3 });
  });
});

describe('parseCron and nextOccurrence', () => {
  it('accepts five and six fields and names what is wrong otherwise', () => {
    assert.deepEqual(parseCron('0 2 * * *'), { ok: true });
    assert.deepEqual(parseCron('*/5 * * * * *'), { ok: true });
    const four = parseCron('0 2 * *');
    assert.equal(four.ok, false);
    assert.match((four as { reason: string }).reason, /4 fields/);
    assert.equal(parseCron('61 * * * *').ok, false);
  });

  it('gives the next occurrence in UTC', () => {
    assert.equal(nextOccurrence('0 2 * * *', new Date('2026-03-01T02:00:00Z')).toISOString(), '2026-03-02T02:00:00.000Z');
  });
});
