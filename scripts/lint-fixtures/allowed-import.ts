// Lint fixture (never compiled): linted as if it were services/mining/src/, a store-node service.
// Store-node code using a shared pure library through its entry point is allowed.
import { mine } from '@tessera/huim';

export const run = mine;
