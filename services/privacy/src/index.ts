export * from './main';
export * from './privacy.config';
