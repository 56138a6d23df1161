export * from './main';
export * from './federation.config';
export { helloSigningBytes } from './rounds/node-registry';
export { survivorThreshold } from './rounds/round-orchestrator';
