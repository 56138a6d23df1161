import { CreateMiningTables1732400000000 } from './1732400000000-create-mining-tables';

export const miningMigrations = [CreateMiningTables1732400000000];
