export * from './main';
export * from './insights.config';
export * from './insights.module';
