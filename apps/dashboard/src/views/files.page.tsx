import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { download } from '../api/http-client';
import { fetchStoredFiles, reprocessFile, type StoredFile } from '../api/transactions.api';
import { useSession } from '../auth/session-context';
import { DataTable } from '../components/data-table';
import { formatNumber, formatTime } from '../components/format';
import { ErrorNotice, Loading, Notice } from '../components/status-notice';

const PAGE = 25;

function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  const power = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  return `${(bytes / 1024 ** power).toFixed(power === 0 ? 0 : 1)} ${units[power]}`;
}

/**
 * The store's uploaded files as its node keeps them: each original is in the node's own S3
 * bucket (never on the hub), downloadable by the store's manager byte for byte and re-processable.
 */
export function FilesPage() {
  const { storeId = '' } = useParams();
  const { session } = useSession();
  const isManager = session?.user.role === 'store_manager';
  const queries = useQueryClient();
  const [offset, setOffset] = useState(0);
  const files = useQuery({ queryKey: ['stored-files', storeId, offset], queryFn: () => fetchStoredFiles(storeId, PAGE, offset), refetchInterval: 15_000 });
  const fetchFile = useMutation({ mutationFn: (file: StoredFile) => download(`/api/files/${encodeURIComponent(file.fileId)}/download`, { storeId }, file.fileName) });
  const reprocess = useMutation({ mutationFn: (file: StoredFile) => reprocessFile(storeId, file.fileId), onSettled: () => queries.invalidateQueries({ queryKey: ['stored-files', storeId] }) });
  const total = files.data?.total ?? 0;
  return (
    <>
      <h1>Files of {storeId}</h1>
      <p className="muted">Every upload is written to this store node’s own bucket before a row is read; the original stays there (until retention or an erasure request removes it) for download, audit and re-processing. It never reaches the hub.</p>
      <ErrorNotice error={files.error} what="the files" />
      {files.isLoading && <Loading what="the files" />}
      {files.data && (
        <DataTable<StoredFile>
          caption={`Uploads, newest first (${formatNumber(total)} in all)`}
          columns={[
            {
              key: 'name',
              header: 'File',
              cell: (f) => (
                <>
                  {f.fileName}
                  <br />
                  <span className="muted">
                    {f.format} · {f.status}
                  </span>
                </>
              ),
            },
            { key: 'uploaded', header: 'Uploaded', cell: (f) => formatTime(f.createdAt) },
            { key: 'size', header: 'Size', numeric: true, cell: (f) => <span className="nowrap">{formatBytes(f.sizeBytes)}</span> },
            { key: 'stored', header: 'New rows (last run)', numeric: true, cell: (f) => formatNumber(f.transactionCount) },
            { key: 'duplicates', header: 'Duplicates', numeric: true, cell: (f) => formatNumber(f.duplicates) },
            { key: 'rejected', header: 'Rejected rows', numeric: true, cell: (f) => formatNumber(f.rejected) },
            { key: 'sha256', header: 'SHA-256', cell: (f) => (f.sha256 ? <code className="nowrap" title={f.sha256}>{f.sha256.slice(0, 8)}</code> : '—') },
            {
              key: 'actions',
              header: 'Original',
              cell: (f) =>
                f.kept ? (
                  <span className="actions nowrap">
                    {isManager && (
                      <button type="button" aria-label={`Download ${f.fileName}`} disabled={fetchFile.isPending} onClick={() => fetchFile.mutate(f)}>
                        Download
                      </button>
                    )}
                    <button type="button" aria-label={`Re-process ${f.fileName}`} disabled={reprocess.isPending || f.status === 'processing'} onClick={() => window.confirm(`Parse ${f.fileName} again? Rows already stored count as duplicates.`) && reprocess.mutate(f)}>
                      Re-process
                    </button>
                  </span>
                ) : (
                  <span className="muted">not kept</span>
                ),
            },
          ]}
          rows={files.data.files}
          rowKey={(f) => f.fileId}
          empty="No uploads yet."
        />
      )}
      {total > PAGE && (
        <div className="form-row" aria-label="Pages">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
          <span className="muted">{offset + 1}–{Math.min(total, offset + PAGE)} of {formatNumber(total)}</span>
          <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>Older</button>
        </div>
      )}
      <ErrorNotice error={fetchFile.error ?? reprocess.error} what="the file" />
      {reprocess.data && (
        <Notice kind="success">
          Re-processed {reprocess.data.fileName}: {formatNumber(reprocess.data.accepted)} transactions accepted ({formatNumber(reprocess.data.transactionCount)} new, {formatNumber(reprocess.data.duplicates)} already stored), {formatNumber(reprocess.data.rejected)} rows rejected.
        </Notice>
      )}
    </>
  );
}
