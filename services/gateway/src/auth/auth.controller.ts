import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
import { Access } from '../access/access.decorator';
import { ALL_ROLES } from '../access/access-policy';
import { ChangePasswordBody, LoginBody, RefreshBody } from './auth.dto';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('login')
  @HttpCode(200)
  @Access({ public: true, roles: [], store: 'none', audit: { action: 'session.login', by: 'auth' } })
  @ApiOperation({ summary: 'Sign in: an access token (JWT, 15 min), a single-use refresh token, and the user with role and store. Repeated failures lock the email with growing backoff (429 + Retry-After)' })
  login(@Body() body: LoginBody, @CurrentCaller() caller: Caller) {
    return this.sessions.login(body.email, body.password, caller);
  }

  @Post('refresh')
  @HttpCode(200)
  @Access({ public: true, roles: [], store: 'none', audit: { action: 'session.refresh', by: 'auth' } })
  @ApiOperation({ summary: 'New tokens for a refresh token, which is spent. Presenting a spent refresh token again ends every session of that sign-in' })
  refresh(@Body() body: RefreshBody, @CurrentCaller() caller: Caller) {
    return this.sessions.refresh(body.refreshToken, caller);
  }

  @Post('logout')
  @HttpCode(200)
  @Access({ roles: ALL_ROLES, store: 'none', audit: { action: 'session.logout', by: 'auth' } })
  @ApiOperation({ summary: 'End the session the refresh token belongs to (the access token expires on its own within minutes)' })
  logout(@Body() body: RefreshBody, @CurrentCaller() caller: Caller) {
    return this.sessions.logout(body.refreshToken, caller);
  }

  @Get('me')
  @Access({ roles: ALL_ROLES, store: 'none' })
  @ApiOperation({ summary: 'The signed-in user, their role and the stores they reach' })
  me(@CurrentCaller() caller: Caller) {
    return this.sessions.me(caller);
  }

  @Post('password')
  @HttpCode(200)
  @Access({ roles: ALL_ROLES, store: 'none', audit: { action: 'user.change_password', by: 'auth' } })
  @ApiOperation({ summary: "Change the signed-in user's password; ends every session of the account" })
  changePassword(@Body() body: ChangePasswordBody, @CurrentCaller() caller: Caller) {
    return this.sessions.changePassword(body.currentPassword, body.newPassword, caller);
  }
}
