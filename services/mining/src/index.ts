export * from './main';
export * from './mining.config';
