import { CreateFederationTables1732500000000 } from './1732500000000-create-federation-tables';
import { CreateStatisticsTables1733100000000 } from './1733100000000-create-statistics-tables';
import { AddBundleMeasurements1733400000000 } from './1733400000000-add-bundle-measurements';

export const federationMigrations = [CreateFederationTables1732500000000, CreateStatisticsTables1733100000000, AddBundleMeasurements1733400000000];
