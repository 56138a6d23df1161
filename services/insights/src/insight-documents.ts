// The documents insights computes and serves, in the shapes of the gateway's REST API.
import type { Backtest, ForecastPoint, PriceRecommendation } from '@tessera/forecast';

export interface RoundRef {
  roundId: string;
  completedAt: string;
}

export interface BundleDocument {
  round: RoundRef | null;
  bundles: {
    items: { sku: string; name: string }[];
    revenueImpactCents: number;
    support: number | null;
    confidence: number | null;
    lift: number | null;
    liftLow95: number | null;
    liftHigh95: number | null;
    liftAboveOne: boolean;
    reason?: string;
    store?: { utilityCents: number; support: number; confidence: number; lift: number };
  }[];
}

export interface ItemForecastDocument {
  sku: string;
  name: string;
  model: string;
  fellBack: boolean;
  reason?: string;
  history: { period: string; quantity: number }[];
  points: ForecastPoint[];
  backtest: Pick<Backtest, 'mase' | 'smape' | 'seasonalNaiveMase'> | null;
}

export interface ForecastDocument {
  period: string;
  round: RoundRef | null;
  forecasts: ItemForecastDocument[];
}

export interface PriceDocument {
  round: RoundRef | null;
  items: { sku: string; name: string; elasticity: number | null; low95: number | null; high95: number | null; recommendation: PriceRecommendation | null; reason: string }[];
}

export interface AnomalyDocument {
  round: RoundRef | null;
  anomalies: { sku: string; period: string; quantity: number; expected: number; kind: string }[];
}

export interface StockAlertView {
  sku: string;
  name: string;
  stock: number;
  reorderPoint: number;
  daysToStockOut: number | null;
  serviceLevel: number;
  leadTimeDays: number;
  belowReorderPoint: boolean;
}
