import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { TransactionsService } from '../transactions/transactions.service';
import { requestIdOf } from '../http/request-id';

@ApiTags('stores')
@Controller('api/stores')
export class StoresController {
  constructor(private readonly transactions: TransactionsService) {}

  @Get()
  @ApiOperation({ summary: 'Stores with ingested data and their counts' })
  list(@Req() request: Request) {
    return this.transactions.stores(requestIdOf(request));
  }
}
