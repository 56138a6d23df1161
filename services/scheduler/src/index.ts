export * from './main';
export * from './scheduler.config';
