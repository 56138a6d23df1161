export * from './main';
export * from './auth.config';
