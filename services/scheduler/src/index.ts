export * from './main';
export * from './scheduler.config';
export { SchedulerModule } from './scheduler.module';
export { SchedulerTopics } from './scheduler.topics';
export { customerHashOf } from './rules/customer-hash.util';
export type { RunHandler } from './kinds/run-handler';
