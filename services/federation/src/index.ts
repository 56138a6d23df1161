export * from './main';
export * from './federation.config';
