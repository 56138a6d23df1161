export * from './database';
export * from './embedded-postgres';
export * from './test-database';
