import { api } from './http-client';

// Shapes of docs/insights.md (services/gateway/src/insights/insights.service.ts).
export interface RoundRef {
  roundId: string;
  completedAt: string;
}
export interface InsightItem {
  sku: string;
  name: string;
}
export interface Bundle {
  items: InsightItem[];
  revenueImpactCents: number;
  support: number | null;
  confidence: number | null;
  lift: number | null;
  liftLow95: number | null;
  liftHigh95: number | null;
  /** The 95% interval of the lift lies above 1 (the items go together more than by chance). */
  liftAboveOne: boolean;
  reason?: string;
  /** The store's own exact measure (store view only). */
  store?: { utilityCents: number; support: number; confidence: number; lift: number };
}
export interface HistoryPoint {
  period: string;
  quantity: number;
}
export interface ForecastPoint extends HistoryPoint {
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}
export interface ItemForecast {
  sku: string;
  name: string;
  model: string;
  fellBack: boolean;
  reason?: string;
  history: HistoryPoint[];
  points: ForecastPoint[];
  backtest: { mase: number; smape: number; seasonalNaiveMase: number } | null;
}
export type Period = 'day' | 'week' | 'month';
export interface ItemPrice {
  sku: string;
  name: string;
  elasticity: number | null;
  low95: number | null;
  high95: number | null;
  recommendation: { action: 'raise' | 'lower'; priceChangePercent: number; expectedRevenueChangePercent: number; low: number; high: number } | null;
  reason: string;
}
export interface StockAlert {
  sku: string;
  name: string;
  stock: number;
  reorderPoint: number;
  daysToStockOut: number | null;
  serviceLevel: number;
  leadTimeDays: number;
  belowReorderPoint: boolean;
}
export interface Anomaly {
  sku: string;
  period: string;
  quantity: number;
  expected: number;
  kind: 'spike' | 'dip' | 'level-shift' | string;
}
export interface StockSnapshot {
  countedAt: string;
  defaultLeadTimeDays?: number;
  defaultServiceLevel?: number;
  items: { sku: string; name?: string; stock: number; leadTimeDays?: number; serviceLevel?: number }[];
}

/** A store's own insights (its manager) when storeId is given; the consortium's otherwise. */
export const fetchBundles = (storeId?: string) =>
  api<{ round: RoundRef | null; bundles: Bundle[] }>(storeId ? '/api/insights/bundles' : '/api/insights/consortium/bundles', { query: { storeId } });
export const fetchForecasts = (storeId: string | undefined, query: { period: Period; top?: number; horizon?: number }) =>
  api<{ period: Period; forecasts: ItemForecast[] }>(storeId ? '/api/insights/forecasts' : '/api/insights/consortium/forecasts', { query: { storeId, ...query } });
export const fetchPrices = (storeId?: string) => api<{ round: RoundRef | null; items: ItemPrice[] }>(storeId ? '/api/insights/prices' : '/api/insights/consortium/prices', { query: { storeId } });
export const fetchStockAlerts = (storeId: string) => api<{ alerts: StockAlert[] }>('/api/insights/stock-alerts', { query: { storeId } });
export const recordStock = (storeId: string, snapshot: unknown) => api<{ items: number; alerts: StockAlert[] }>('/api/insights/stock', { method: 'POST', query: { storeId }, json: snapshot });
export const fetchAnomalies = () => api<{ round: RoundRef | null; anomalies: Anomaly[] }>('/api/insights/consortium/anomalies');

/** Reads a stock count from a CSV (sku,stock[,leadTimeDays,serviceLevel,name]) or passes JSON through. */
export function parseStockFile(text: string, countedAt: string): { snapshot?: unknown; error?: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return { snapshot: JSON.parse(trimmed) };
    } catch (error) {
      return { error: `the file is not valid JSON: ${(error as Error).message}` };
    }
  }
  const lines = trimmed.split(/\r?\n/).filter((line) => line.trim());
  if (lines.length < 2) return { error: 'the CSV needs a header line (sku,stock,...) and at least one item' };
  const header = lines[0].split(',').map((h) => h.trim());
  const column = (name: string) => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const [sku, stock, lead, service, name] = ['sku', 'stock', 'leadTimeDays', 'serviceLevel', 'name'].map(column);
  if (sku < 0 || stock < 0) return { error: 'line 1: the header must name the columns sku and stock' };
  const items = lines.slice(1).map((line) => {
    const cells = line.split(',').map((c) => c.trim());
    const item: Record<string, unknown> = { sku: cells[sku], stock: Number(cells[stock]) };
    if (lead >= 0 && cells[lead]) item.leadTimeDays = Number(cells[lead]);
    if (service >= 0 && cells[service]) item.serviceLevel = Number(cells[service]);
    if (name >= 0 && cells[name]) item.name = cells[name];
    return item;
  });
  return { snapshot: { countedAt, items } };
}
