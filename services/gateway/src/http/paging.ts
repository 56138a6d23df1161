import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The page size of a listing: optional, an integer from 1 to `maximum`, `defaultValue` when absent (the service applies it). */
export function PageLimit(defaultValue: number, maximum: number): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ default: defaultValue, maximum }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(maximum));
}

/** The largest offset a listing accepts: far beyond any real listing, well inside int32/int64 and exact doubles. */
export const MAX_PAGE_OFFSET = 1_000_000_000;

/** How many items of a listing to skip: optional, an integer from 0 to MAX_PAGE_OFFSET (a larger one is a 400, never a gRPC serialization error). */
export function PageOffset(): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ default: 0, maximum: MAX_PAGE_OFFSET }), IsOptional(), Type(() => Number), IsInt(), Min(0), Max(MAX_PAGE_OFFSET));
}

/** The paging query of a listing with the default bounds (50 by default, at most 200). */
export class PageQuery {
  @PageLimit(50, 200)
  limit?: number;

  @PageOffset()
  offset?: number;
}
