// Lint fixture (never compiled): linted as if it were services/federation/src/, a hub service.
// A hub service importing store-node code must fail @nx/enforce-module-boundaries.
import { startIngestionService } from '@tessera/ingestion-service';

export const start = startIngestionService;
