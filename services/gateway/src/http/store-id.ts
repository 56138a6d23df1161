import { Matches, type ValidationOptions } from 'class-validator';

/** A store's id, everywhere in the API: letters, digits, _ . - ; at most 64, starting with a letter or digit. */
export type StoreId = string;
export const STORE_ID_REGEX = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isStoreId(value: unknown): value is StoreId {
  return typeof value === 'string' && STORE_ID_REGEX.test(value);
}

/** Validates a store id (or a region id, which follows the same rule); the message names the field. */
export function IsStoreId(field = 'storeId', options: Pick<ValidationOptions, 'each'> = {}): PropertyDecorator {
  return Matches(STORE_ID_REGEX, { ...options, message: `${field} must be letters, digits, _ . - (at most 64)` });
}
