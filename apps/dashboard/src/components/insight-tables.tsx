import { useState } from 'react';
import type { Bundle, ItemPrice } from '../api/insights.api';
import { DataTable } from './data-table';
import { formatMoney, formatNumber, formatPercent } from './format';

const cents = (value: number | null | undefined) => (value === null || value === undefined ? null : value / 100);
const ratio = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(2));

function ItemNames({ items }: { items: { sku: string; name: string }[] }) {
  return (
    <ul className="items">
      {items.map((item) => (
        <li key={item.sku}>
          {item.name && item.name !== item.sku ? (
            <>
              {item.name.trim()} <span className="sku">{item.sku}</span>
            </>
          ) : (
            <code>{item.sku}</code>
          )}
        </li>
      ))}
    </ul>
  );
}

function NoteMark({ note }: { note: number }) {
  return <span className="small muted">— (note {note})</span>;
}

function Lift({ bundle, note }: { bundle: Bundle; note?: number }) {
  if (bundle.lift === null) return note ? <NoteMark note={note} /> : <span className="muted">—</span>;
  return (
    <>
      {ratio(bundle.lift)}{' '}
      <span className="small muted">
        [{ratio(bundle.liftLow95)}, {ratio(bundle.liftHigh95)}]
      </span>
      {bundle.liftAboveOne ? (
        <span className="badge badge-ok" title="the whole 95% interval lies above 1: bought together more often than by chance">
          above 1
        </span>
      ) : (
        <span className="badge" title="the 95% interval reaches 1 or below: could be chance">
          not clearly above 1
        </span>
      )}
    </>
  );
}

/**
 * Bundles ranked by revenue impact (the consortium's noisy sum). With `own`, the store's exact
 * measure sits beside the consortium's, so a manager sees where the store differs.
 */
export function BundleTable({ bundles, own, caption }: { bundles: Bundle[]; own: boolean; caption: string }) {
  const [all, setAll] = useState(false);
  const ranked = [...bundles].sort((a, b) => b.revenueImpactCents - a.revenueImpactCents);
  const shown = all ? ranked : ranked.slice(0, 20);
  // The same reason ("the round does not publish ...") holds for many bundles: one numbered note each.
  // Reasons differ only after their ";" (which part was not published): one note per kind, with the details.
  const kindOf = (reason: string) => reason.split(';')[0].trim();
  const notes = new Map<string, Set<string>>();
  for (const b of ranked) if (b.reason) notes.set(kindOf(b.reason), (notes.get(kindOf(b.reason)) ?? new Set()).add(b.reason.split(';').slice(1).join(';').trim()));
  const reasons = [...notes.keys()];
  const noteOf = (b: Bundle) => (b.reason ? reasons.indexOf(kindOf(b.reason)) + 1 : undefined);
  return (
    <>
      <DataTable
        caption={caption}
        columns={[
          { key: 'rank', header: '#', numeric: true, cell: (b) => ranked.indexOf(b) + 1 },
          { key: 'items', header: 'Bundle', cell: (b) => <ItemNames items={b.items} /> },
          { key: 'impact', header: 'Revenue impact (consortium)', numeric: true, cell: (b) => formatMoney(cents(b.revenueImpactCents)) },
          { key: 'confidence', header: 'Confidence (consortium)', numeric: true, cell: (b) => (b.confidence !== null ? formatPercent(b.confidence) : noteOf(b) ? <NoteMark note={noteOf(b)!} /> : '—') },
          { key: 'lift', header: 'Lift, 95% interval (consortium)', cell: (b) => <Lift bundle={b} note={noteOf(b)} /> },
          ...(own
            ? [
                { key: 'own-utility', header: 'Your revenue', numeric: true, cell: (b: Bundle) => (b.store ? formatMoney(cents(b.store.utilityCents)) : '—') },
                { key: 'own-support', header: 'Your support', numeric: true, cell: (b: Bundle) => (b.store ? formatPercent(b.store.support) : '—') },
                { key: 'own-confidence', header: 'Your confidence', numeric: true, cell: (b: Bundle) => (b.store ? formatPercent(b.store.confidence) : '—') },
                {
                  key: 'own-lift',
                  header: 'Your lift',
                  numeric: true,
                  cell: (b: Bundle) => (b.store ? ratio(b.store.lift) : '—'),
                },
              ]
            : []),
        ]}
        rows={shown}
        rowKey={(b) => b.items.map((i) => i.sku).join('+')}
        empty="No bundles yet: they come from the latest completed itemset round."
      />
      {ranked.length > shown.length && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {ranked.length} bundles
        </button>
      )}
      {reasons.length > 0 && (
        <section aria-label="Notes on missing numbers" className="small">
          <h2>Notes</h2>
          <ol className="notes">
            {reasons.map((reason) => {
              const details = [...notes.get(reason)!].filter(Boolean);
              return (
                <li key={reason}>
                  {reason}
                  {details.length > 0 && `: ${details.map((d) => d.replace(/^the round did not publish /, '')).join('; ')} not published`}
                </li>
              );
            })}
          </ol>
        </section>
      )}
    </>
  );
}

/** Elasticities with their interval; a recommendation only where the evidence carries one, else "not enough evidence" and why. */
export function PriceTable({ items, caption }: { items: ItemPrice[]; caption: string }) {
  const [all, setAll] = useState(false);
  const sorted = [...items].sort((a, b) => Number(!!b.recommendation) - Number(!!a.recommendation));
  const shown = all ? sorted : sorted.slice(0, 25);
  return (
    <>
      <DataTable
        caption={caption}
        columns={[
          { key: 'item', header: 'Item', cell: (p) => <ItemNames items={[p]} /> },
          { key: 'elasticity', header: 'Elasticity', numeric: true, cell: (p) => (p.elasticity === null ? '—' : formatNumber(p.elasticity)) },
          { key: 'interval', header: '95% interval', numeric: true, cell: (p) => (p.low95 === null || p.high95 === null ? '—' : <span className="nowrap">[{formatNumber(p.low95)}, {formatNumber(p.high95)}]</span>) },
          {
            key: 'hint',
            header: 'Price hint',
            cell: (p) =>
              p.recommendation ? (
                <strong className="nowrap">
                  {p.recommendation.action === 'raise' ? '▲ Raise' : '▼ Lower'} the price {formatNumber(Math.abs(p.recommendation.priceChangePercent))}%
                </strong>
              ) : (
                <span className="badge">not enough evidence</span>
              ),
          },
          {
            key: 'revenue',
            header: 'Expected revenue change',
            numeric: true,
            cell: (p) =>
              p.recommendation ? (
                <span>
                  {p.recommendation.expectedRevenueChangePercent >= 0 ? '+' : ''}
                  {formatNumber(p.recommendation.expectedRevenueChangePercent)}% <span className="small muted">[{formatNumber(p.recommendation.low)}%, {formatNumber(p.recommendation.high)}%]</span>
                </span>
              ) : (
                '—'
              ),
          },
          { key: 'reason', header: 'Why', cell: (p) => <span className="small why">{p.recommendation ? p.reason : p.reason.replace(/^not enough evidence:\s*/, '')}</span> },
        ]}
        rows={shown}
        rowKey={(p) => p.sku}
        empty="No price estimates yet."
      />
      {sorted.length > shown.length && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {sorted.length} items
        </button>
      )}
    </>
  );
}
