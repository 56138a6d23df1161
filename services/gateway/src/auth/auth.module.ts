import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuthController } from './auth.controller';
import { AuthKeysController } from './auth-keys.controller';
import { SessionsService } from './sessions.service';

/** Sign-in, refresh, sign-out, password change and who-am-I, forwarded to the auth service; the token verify keys (JWKS) for store-node gateways. Hub role. */
@Module({
  imports: [AccessModule],
  controllers: [AuthController, AuthKeysController],
  providers: [SessionsService],
})
export class AuthApiModule {}
