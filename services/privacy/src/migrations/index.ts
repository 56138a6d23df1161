import { CreatePrivacyLedger1732300000000 } from './1732300000000-create-privacy-ledger';
import { CreateIdentities1732500000000 } from './1732500000000-create-identities';

export const privacyMigrations = [CreatePrivacyLedger1732300000000, CreateIdentities1732500000000];
