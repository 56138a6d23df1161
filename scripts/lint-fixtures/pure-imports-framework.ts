// Lint fixture (never compiled): linted as if it were libs/huim/src/, a type:pure library.
// A pure algorithm library importing a framework must fail @nx/enforce-module-boundaries.
import { Injectable } from '@nestjs/common';

@Injectable()
export class Miner {}
