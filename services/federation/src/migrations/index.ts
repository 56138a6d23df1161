import { CreateFederationTables1732500000000 } from './1732500000000-create-federation-tables';

export const federationMigrations = [CreateFederationTables1732500000000];
