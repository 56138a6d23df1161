export * from './main';
export * from './insights.config';
export * from './insights.module';
export { consortiumBundles, storeForecasts, storePrices, stockAlerts } from './insights.util';
export type { BundleDocument, ForecastDocument, PriceDocument, AnomalyDocument, StockAlertView } from './insight-documents';
