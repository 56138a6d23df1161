import { CreatePrivacyLedger1732300000000 } from './1732300000000-create-privacy-ledger';

export const privacyMigrations = [CreatePrivacyLedger1732300000000];
