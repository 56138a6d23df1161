import assert from 'node:assert/strict';
import { serviceEnv } from './serve';

test('service-prefixed variables override the shared ones for that service only', () => {
  const env = { GRPC_PORT: '1', MINING__GRPC_PORT: '2', INGESTION__HTTP_PORT: '3', DATABASE_URL: 'postgres://x' };
  assert.deepEqual(
    { grpc: serviceEnv('mining', env).GRPC_PORT, http: serviceEnv('mining', env).HTTP_PORT, db: serviceEnv('mining', env).DATABASE_URL },
    { grpc: '2', http: undefined, db: 'postgres://x' },
  );
  assert.equal(serviceEnv('ingestion', env).HTTP_PORT, '3');
  assert.equal(serviceEnv('ingestion', env).GRPC_PORT, '1');
});
