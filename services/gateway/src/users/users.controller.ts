import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
import { Access } from '../access/access.decorator';
import { CreateUserBody, UserParams } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Access({ roles: ['admin'], store: 'none' })
  @ApiOperation({ summary: 'Every account' })
  list(@CurrentCaller() caller: Caller) {
    return this.users.list(caller);
  }

  @Post()
  @Access({ roles: ['admin'], store: 'none', audit: { action: 'user.create', by: 'auth' } })
  @ApiOperation({ summary: 'Create an account (a store manager needs a registered store, a coordinator a region); without a password one is generated and shown once' })
  create(@Body() body: CreateUserBody, @CurrentCaller() caller: Caller) {
    return this.users.create(body, caller);
  }

  @Delete(':userId')
  @Access({ roles: ['admin'], store: 'none', audit: { action: 'user.delete', by: 'auth' } })
  @ApiOperation({ summary: 'Delete an account: its sessions end and its access tokens are refused from now on' })
  delete(@Param() params: UserParams, @CurrentCaller() caller: Caller) {
    return this.users.delete(params.userId, caller);
  }
}
