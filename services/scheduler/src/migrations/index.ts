import { CreateSchedulerTables1733200000000 } from './1733200000000-create-scheduler-tables';

export const schedulerMigrations = [CreateSchedulerTables1733200000000];
