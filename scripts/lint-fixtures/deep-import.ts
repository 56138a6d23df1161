// Lint fixture (never compiled): linted as if it were services/mining/src/.
// Importing another package's files instead of its entry point must fail no-restricted-imports.
import { mine } from '@tessera/huim/src/mine';

export const run = mine;
