import { CreateFederationTables1732500000000 } from './1732500000000-create-federation-tables';
import { CreateStatisticsTables1733100000000 } from './1733100000000-create-statistics-tables';

export const federationMigrations = [CreateFederationTables1732500000000, CreateStatisticsTables1733100000000];
