import assert from 'node:assert/strict';
import type { Logger } from '@tessera/common';
import { AuditClient } from './audit.client';

describe('the audit client', () => {
  test('without an auth service (a store node) each report is logged in full as a structured audit line at info', async () => {
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const logger = { info: (fields: Record<string, unknown>, message: string) => lines.push({ level: 'info', fields, message }) } as unknown as Logger;
    const id = await new AuditClient(logger).record({ action: 'erasure.complete', targetType: 'erasure_request', targetId: 'req-1', storeId: 'store-a', success: true, details: { deleted: { ingestion: 3 } } });
    assert.equal(id, '');
    assert.equal(lines.length, 1);
    assert.equal(lines[0].message, 'audit erasure.complete success');
    const audit = lines[0].fields.audit as Record<string, unknown>;
    assert.equal(audit.action, 'erasure.complete');
    assert.equal(audit.storeId, 'store-a');
    assert.equal(audit.targetId, 'req-1');
    assert.deepEqual(JSON.parse(audit.detailsJson as string), { deleted: { ingestion: 3 } });
    assert.equal((audit.context as { actor: { id: string } }).actor.id, 'scheduler');
  });
});
