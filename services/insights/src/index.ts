export * from './main';
export * from './insights.config';
