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

function Lift({ bundle }: { bundle: Bundle }) {
  if (bundle.lift === null) return <span className="muted">—</span>;
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
  const ranked = [...bundles].sort((a, b) => b.revenueImpactCents - a.revenueImpactCents);
  return (
    <DataTable
      caption={caption}
      columns={[
        { key: 'rank', header: '#', numeric: true, cell: (b) => ranked.indexOf(b) + 1 },
        { key: 'items', header: 'Bundle', cell: (b) => <ItemNames items={b.items} /> },
        { key: 'impact', header: 'Revenue impact (consortium)', numeric: true, cell: (b) => formatMoney(cents(b.revenueImpactCents)) },
        { key: 'confidence', header: 'Confidence (consortium)', numeric: true, cell: (b) => (b.confidence === null ? '—' : formatPercent(b.confidence)) },
        { key: 'lift', header: 'Lift, 95% interval (consortium)', cell: (b) => <Lift bundle={b} /> },
        ...(own
          ? [
              { key: 'own-utility', header: 'Your revenue', numeric: true, cell: (b: Bundle) => (b.store ? formatMoney(cents(b.store.utilityCents)) : '—') },
              { key: 'own-support', header: 'Your support', numeric: true, cell: (b: Bundle) => (b.store ? formatPercent(b.store.support) : '—') },
              { key: 'own-confidence', header: 'Your confidence', numeric: true, cell: (b: Bundle) => (b.store ? formatPercent(b.store.confidence) : '—') },
              { key: 'own-lift', header: 'Your lift', numeric: true, cell: (b: Bundle) => (b.store ? ratio(b.store.lift) : '—') },
            ]
          : []),
        { key: 'reason', header: 'Note', cell: (b) => (b.reason ? <span className="small muted">{b.reason}</span> : '') },
      ]}
      rows={ranked}
      rowKey={(b) => b.items.map((i) => i.sku).join('+')}
      empty="No bundles yet: they come from the latest completed itemset round."
    />
  );
}

/** Elasticities with their interval; a recommendation only where the evidence carries one, else the reason, as it is. */
export function PriceTable({ items, caption }: { items: ItemPrice[]; caption: string }) {
  return (
    <DataTable
      caption={caption}
      columns={[
        { key: 'item', header: 'Item', cell: (p) => <ItemNames items={[p]} /> },
        { key: 'elasticity', header: 'Elasticity', numeric: true, cell: (p) => (p.elasticity === null ? '—' : formatNumber(p.elasticity)) },
        { key: 'interval', header: '95% interval', cell: (p) => (p.low95 === null || p.high95 === null ? '—' : `[${formatNumber(p.low95)}, ${formatNumber(p.high95)}]`) },
        {
          key: 'hint',
          header: 'Price hint',
          cell: (p) =>
            p.recommendation ? (
              <strong className={p.recommendation.action === 'raise' ? 'status-completed' : 'status-declined'}>
                {p.recommendation.action === 'raise' ? 'Raise' : 'Lower'} the price by {formatNumber(Math.abs(p.recommendation.priceChangePercent))}%
              </strong>
            ) : (
              <span className="badge">not enough evidence</span>
            ),
        },
        {
          key: 'revenue',
          header: 'Expected revenue change',
          cell: (p) =>
            p.recommendation ? (
              <>
                {p.recommendation.expectedRevenueChangePercent >= 0 ? '+' : ''}
                {formatNumber(p.recommendation.expectedRevenueChangePercent)}% <span className="small muted">[{formatNumber(p.recommendation.low)}%, {formatNumber(p.recommendation.high)}%]</span>
              </>
            ) : (
              '—'
            ),
        },
        { key: 'reason', header: 'Why', cell: (p) => <span className="small">{p.reason}</span> },
      ]}
      rows={[...items].sort((a, b) => Number(!!b.recommendation) - Number(!!a.recommendation))}
      rowKey={(p) => p.sku}
      empty="No price estimates yet."
    />
  );
}
