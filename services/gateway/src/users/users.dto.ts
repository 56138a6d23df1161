import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ROLES, type Role } from '../access/access-policy';
import { IsStoreId } from '../http/store-id';

export class CreateUserBody {
  @ApiProperty({ example: 'manager@store.example' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[], { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({ description: 'Required for a store_manager: the store they manage (registered with POST /api/stores)' })
  @IsOptional()
  @IsStoreId()
  storeId?: string;

  @ApiPropertyOptional({ description: 'Required for a regional_coordinator: their region' })
  @IsOptional()
  @IsStoreId('regionId')
  regionId?: string;

  @ApiPropertyOptional({ format: 'password', description: 'Omit to have a strong password generated and returned once' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;
}

export class UserParams {
  @ApiProperty()
  @IsUUID('4', { message: 'userId must be a UUID' })
  userId!: string;
}
