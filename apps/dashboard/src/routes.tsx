import type { ReactElement } from 'react';
import type { Role } from './api/session-store';
import { StoreOverviewPage } from './views/store-overview.page';
import { UploadPage } from './views/upload.page';
import { TransactionsPage } from './views/transactions.page';
import { FilesPage } from './views/files.page';
import { MiningPage } from './views/mining.page';
import { MiningJobPage } from './views/mining-job.page';
import { PrivacyPage } from './views/privacy.page';
import { StoreRoundsPage } from './views/store-rounds.page';
import { GlobalPatternsPage } from './views/global-patterns.page';
import { RegionStoresPage } from './views/region-stores.page';
import { StartRoundPage } from './views/start-round.page';
import { RoundsPage } from './views/rounds.page';
import { RoundLivePage } from './views/round-live.page';
import { UsersPage } from './views/admin-users.page';
import { StoresAdminPage } from './views/admin-stores.page';
import { ApiKeysPage } from './views/api-keys.page';
import { AuditPage } from './views/audit.page';
import { ScheduledRunsPage, SchedulesPage, StoreSchedulesPage } from './views/schedules.page';
import { ErasurePage, ErasureReportPage } from './views/erasure.page';
import { AnomaliesPage, BundlesPage, ForecastsPage, PricesPage } from './views/insights.page';
import { StockPage } from './views/stock.page';

/**
 * Every view: one file under views/, one row here. The navigation, the router and the role
 * checks read this table, so a new area (insights, schedules) is a new file and a new row.
 * `store` views live under /stores/:storeId and are checked against the user's store scope.
 */
export interface ViewRoute {
  path: string;
  label: string;
  roles: Role[];
  group: 'store' | 'region' | 'consortium' | 'admin';
  element: ReactElement;
  /** Reached by links only (a job, a round), not listed in the navigation. */
  hidden?: boolean;
}

const ALL: Role[] = ['store_manager', 'regional_coordinator', 'admin'];

export const VIEW_ROUTES: ViewRoute[] = [
  { path: '/stores/:storeId', label: 'Overview', roles: ALL, group: 'store', element: <StoreOverviewPage /> },
  { path: '/stores/:storeId/upload', label: 'Upload', roles: ['store_manager', 'admin'], group: 'store', element: <UploadPage /> },
  { path: '/stores/:storeId/transactions', label: 'Transactions', roles: ['store_manager'], group: 'store', element: <TransactionsPage /> },
  { path: '/stores/:storeId/files', label: 'Files', roles: ['store_manager', 'admin'], group: 'store', element: <FilesPage /> },
  { path: '/stores/:storeId/mining', label: 'Mining', roles: ['store_manager'], group: 'store', element: <MiningPage /> },
  { path: '/stores/:storeId/mining/:jobId', label: 'Mining job', roles: ['store_manager'], group: 'store', element: <MiningJobPage />, hidden: true },
  { path: '/stores/:storeId/privacy', label: 'Privacy budget', roles: ALL, group: 'store', element: <PrivacyPage /> },
  { path: '/stores/:storeId/rounds', label: 'Rounds joined', roles: ALL, group: 'store', element: <StoreRoundsPage /> },
  { path: '/stores/:storeId/api-keys', label: 'API keys', roles: ['store_manager', 'admin'], group: 'store', element: <ApiKeysPage /> },
  { path: '/stores/:storeId/bundles', label: 'Bundles', roles: ['store_manager'], group: 'store', element: <BundlesPage /> },
  { path: '/stores/:storeId/forecasts', label: 'Forecasts', roles: ['store_manager'], group: 'store', element: <ForecastsPage /> },
  { path: '/stores/:storeId/prices', label: 'Price hints', roles: ['store_manager'], group: 'store', element: <PricesPage /> },
  { path: '/stores/:storeId/stock', label: 'Stock alerts', roles: ['store_manager'], group: 'store', element: <StockPage /> },
  { path: '/stores/:storeId/schedules', label: 'Schedules', roles: ['store_manager', 'admin'], group: 'store', element: <StoreSchedulesPage /> },
  { path: '/stores/:storeId/erasure', label: 'Erasure requests', roles: ['store_manager', 'admin'], group: 'store', element: <ErasurePage /> },
  { path: '/stores/:storeId/erasure/:requestId', label: 'Erasure request', roles: ['store_manager', 'admin'], group: 'store', element: <ErasureReportPage />, hidden: true },
  { path: '/region', label: 'Stores of the region', roles: ['regional_coordinator', 'admin'], group: 'region', element: <RegionStoresPage /> },
  { path: '/rounds/new', label: 'Start a round', roles: ['regional_coordinator', 'admin'], group: 'region', element: <StartRoundPage /> },
  { path: '/schedules', label: 'Schedules', roles: ['regional_coordinator', 'admin'], group: 'region', element: <SchedulesPage /> },
  { path: '/jobs', label: 'Scheduled runs', roles: ['regional_coordinator', 'admin'], group: 'region', element: <ScheduledRunsPage /> },
  { path: '/rounds', label: 'Rounds', roles: ALL, group: 'consortium', element: <RoundsPage /> },
  { path: '/rounds/:roundId', label: 'Round', roles: ALL, group: 'consortium', element: <RoundLivePage />, hidden: true },
  { path: '/patterns', label: 'Global patterns', roles: ALL, group: 'consortium', element: <GlobalPatternsPage /> },
  { path: '/insights/bundles', label: 'Consortium bundles', roles: ALL, group: 'consortium', element: <BundlesPage consortium /> },
  { path: '/insights/forecasts', label: 'Consortium forecasts', roles: ALL, group: 'consortium', element: <ForecastsPage consortium /> },
  { path: '/insights/prices', label: 'Consortium prices', roles: ALL, group: 'consortium', element: <PricesPage consortium /> },
  { path: '/insights/anomalies', label: 'Anomalies', roles: ALL, group: 'consortium', element: <AnomaliesPage /> },
  { path: '/admin/users', label: 'Users', roles: ['admin'], group: 'admin', element: <UsersPage /> },
  { path: '/admin/stores', label: 'Stores and regions', roles: ['admin'], group: 'admin', element: <StoresAdminPage /> },
  { path: '/admin/audit', label: 'Audit log', roles: ['admin'], group: 'admin', element: <AuditPage /> },
];

export const GROUP_LABELS: Record<ViewRoute['group'], string> = { store: 'Store', region: 'Region', consortium: 'Consortium', admin: 'Administration' };

/** Where a role lands after signing in. */
export function homeOf(role: Role, storeId: string | null): string {
  if (role === 'store_manager' && storeId) return `/stores/${encodeURIComponent(storeId)}`;
  if (role === 'regional_coordinator') return '/region';
  return '/admin/users';
}
