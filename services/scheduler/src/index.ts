export * from './main';
export * from './scheduler.config';
export * from './scheduler.module';
