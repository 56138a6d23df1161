import assert from 'node:assert/strict';
import { auditSweepDecision } from './retention-floor.util';

const now = new Date('2026-12-02T12:00:00Z');
const daysBefore = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

describe('auditSweepDecision', () => {
  test('a cutoff older than the floor is applied as given', () => {
    const decision = auditSweepDecision(daysBefore(400), now, 90);
    assert.deepEqual(decision, { apply: true, cutoff: new Date(daysBefore(400)) });
  });

  test('a cutoff exactly at the floor is applied; one millisecond younger is refused', () => {
    assert.equal(auditSweepDecision(daysBefore(90), now, 90).apply, true);
    const younger = new Date(new Date(daysBefore(90)).getTime() + 1).toISOString();
    const decision = auditSweepDecision(younger, now, 90);
    assert.equal(decision.apply, false);
    assert.match((decision as { reason: string }).reason, /AUDIT_RETENTION_MIN_DAYS \(90 days/);
  });

  test('a cutoff that is not a timestamp is refused, naming it', () => {
    const decision = auditSweepDecision('next tuesday', now, 90);
    assert.equal(decision.apply, false);
    assert.match((decision as { reason: string }).reason, /next tuesday/);
    assert.equal(auditSweepDecision('', now, 90).apply, false);
  });
});
