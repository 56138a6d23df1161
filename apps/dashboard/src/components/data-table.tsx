import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
  /** When set, the header is a button that asks to sort by this key. */
  sortable?: boolean;
}

interface Props<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  empty?: string;
  sort?: { key: string; order: 'asc' | 'desc' };
  onSort?: (key: string) => void;
}

/** A plain, accessible table: a caption, scoped headers, sort buttons that announce their state. */
export function DataTable<T>({ caption, columns, rows, rowKey, empty = 'Nothing to show yet.', sort, onSort }: Props<T>) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const active = sort?.key === column.key;
              return (
                <th key={column.key} scope="col" className={column.numeric ? 'num' : undefined} aria-sort={active ? (sort!.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {column.sortable && onSort ? (
                    <button type="button" className="link-button" onClick={() => onSort(column.key)}>
                      {column.header} {active ? (sort!.order === 'asc' ? '▲' : '▼') : ''}
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.key} className={column.numeric ? 'num' : undefined}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({ total, limit, offset, onChange, label }: { total: number; limit: number; offset: number; onChange: (offset: number) => void; label: string }) {
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        Previous
      </button>
      <span aria-live="polite">
        Page {page} of {pages} ({total} in all)
      </span>
      <button type="button" onClick={() => onChange(offset + limit)} disabled={offset + limit >= total}>
        Next
      </button>
    </nav>
  );
}
