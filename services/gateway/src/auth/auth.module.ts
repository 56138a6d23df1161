import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuthController } from './auth.controller';
import { SessionsService } from './sessions.service';

/** Sign-in, refresh, sign-out, password change and who-am-I, forwarded to the auth service. */
@Module({
  imports: [AccessModule],
  controllers: [AuthController],
  providers: [SessionsService],
})
export class AuthApiModule {}
