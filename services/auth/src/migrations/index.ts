import { CreateAuthTables1732300000000 } from './1732300000000-create-auth-tables';
import { AuditRetention1733300000000 } from './1733300000000-audit-retention';

export const authMigrations = [CreateAuthTables1732300000000, AuditRetention1733300000000];
