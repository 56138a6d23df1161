import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginBody {
  @ApiProperty({ example: 'manager@store.example' })
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1, { message: 'password must not be empty' })
  @MaxLength(1024)
  password!: string;
}

export class RefreshBody {
  @ApiProperty({ description: 'The refresh token from the last login or refresh; single use' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken!: string;
}

export class ChangePasswordBody {
  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ format: 'password', description: 'At least 12 characters; not a common password; not containing your email name' })
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}
