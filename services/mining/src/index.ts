export * from './main';
export * from './mining.config';
export { validateJobOptions } from './jobs/job-runner';
export * from './mining.module';
