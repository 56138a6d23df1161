import assert from 'node:assert/strict';
import { ingestionV1 } from '@tessera/proto';
import { contentDisposition } from './files.controller';
import { storedFileJson } from './files.service';

test('Content-Disposition: an attachment whose fallback name is safe ASCII and whose exact name is RFC 5987 encoded', () => {
  assert.equal(contentDisposition('basket.csv'), `attachment; filename="basket.csv"; filename*=UTF-8''basket.csv`);
  assert.equal(contentDisposition('ventes "été".csv'), `attachment; filename="ventes __t__.csv"; filename*=UTF-8''ventes%20%22%C3%A9t%C3%A9%22.csv`);
  assert.equal(contentDisposition('a\r\nSet-Cookie: x'), `attachment; filename="a__Set-Cookie: x"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x`);
});

test('a listed file says whether its bytes are kept, with size and sha256, and no row errors', () => {
  const base = ingestionV1.FileSummary.fromPartial({ fileId: 'f', storeId: 's', fileName: 'x.csv', status: ingestionV1.FileStatus.FILE_STATUS_COMPLETED, sizeBytes: '12', sha256: 'ab', bucket: 'b', objectKey: 'stores/s/files/f', createdAt: '2026-01-01T00:00:00.000Z' });
  const kept = storedFileJson(base);
  assert.deepEqual([kept.kept, kept.sizeBytes, kept.sha256, kept.objectKey, 'errors' in kept], [true, 12, 'ab', 'stores/s/files/f', false]);
  const refused = storedFileJson({ ...base, status: ingestionV1.FileStatus.FILE_STATUS_FAILED, objectKey: '', bucket: '' });
  assert.deepEqual([refused.kept, refused.objectKey, refused.status], [false, undefined, 'failed']);
});
