import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { uploadTransactions, type FileStatus } from '../api/transactions.api';
import { DataTable } from '../components/data-table';
import { formatNumber } from '../components/format';
import { ErrorNotice, Notice } from '../components/status-notice';

const FORMATS = [
  ['', 'Detect from the first line'],
  ['lineitem-csv', 'Line-item CSV (one row per product line)'],
  ['seed-csv', 'Seed CSV'],
  ['seed-json', 'Seed JSON'],
  ['spmf', 'SPMF utility format'],
];

export function UploadPage() {
  const { storeId = '' } = useParams();
  const queries = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<FileStatus>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(undefined);
    setResult(undefined);
    setProgress(0);
    try {
      setResult(await uploadTransactions(storeId, file, format, setProgress));
      await queries.invalidateQueries({ queryKey: ['stores'] });
    } catch (caught) {
      setError(caught);
    } finally {
      setProgress(null);
    }
  };
  return (
    <>
      <h1>Upload transactions</h1>
      <p className="muted">Every row is stored or rejected with its line number and reason; a file sent twice stores nothing twice.</p>
      <form onSubmit={submit} className="form-row">
        <div>
          <label htmlFor="file">Transaction file</label>
          <input id="file" type="file" accept=".csv,.json,.txt,.gz" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required />
        </div>
        <div>
          <label htmlFor="format">Format</label>
          <select id="format" value={format} onChange={(e) => setFormat(e.target.value)}>
            {FORMATS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={!file || progress !== null}>
          Upload
        </button>
      </form>
      {progress !== null && (
        <div>
          <label htmlFor="upload-progress">Uploading {file?.name}</label>
          <progress id="upload-progress" max={1} value={progress}>
            {Math.round(progress * 100)}%
          </progress>
          <span aria-live="polite"> {Math.round(progress * 100)}%</span>
        </div>
      )}
      <ErrorNotice error={error} what="the upload" />
      {result && (
        <section aria-labelledby="result-title">
          <h2 id="result-title">{result.fileName}</h2>
          <Notice kind={result.rejected ? 'warning' : 'success'}>
            <span data-testid="upload-summary">
              {formatNumber(result.transactionCount)} {result.transactionCount === 1 ? 'transaction' : 'transactions'} stored ({formatNumber(result.accepted)} rows accepted), {formatNumber(result.duplicates)} already stored, {formatNumber(result.rejected)} rows rejected ({result.format}, {result.status}).
            </span>
          </Notice>
          {result.errors.length > 0 && (
            <DataTable
              caption={`Rejected rows (${result.errorCount})`}
              columns={[
                { key: 'line', header: 'Line', numeric: true, cell: (row) => row.line },
                { key: 'field', header: 'Field', cell: (row) => row.field ?? '—' },
                { key: 'reason', header: 'Reason', cell: (row) => row.reason },
              ]}
              rows={result.errors}
              rowKey={(row) => `${row.line}-${row.field}-${row.reason}`}
            />
          )}
        </section>
      )}
    </>
  );
}
