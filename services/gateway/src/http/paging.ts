import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The page size of a listing: optional, an integer from 1 to `maximum`, `defaultValue` when absent (the service applies it). */
export function PageLimit(defaultValue: number, maximum: number): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ default: defaultValue, maximum }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(maximum));
}

/** How many items of a listing to skip: optional, an integer >= 0. */
export function PageOffset(): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ default: 0 }), IsOptional(), Type(() => Number), IsInt(), Min(0));
}

/** The paging query of a listing with the default bounds (50 by default, at most 200). */
export class PageQuery {
  @PageLimit(50, 200)
  limit?: number;

  @PageOffset()
  offset?: number;
}
