import { CreateAuthTables1732300000000 } from './1732300000000-create-auth-tables';

export const authMigrations = [CreateAuthTables1732300000000];
