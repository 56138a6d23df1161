import 'reflect-metadata';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import * as grpc from '@grpc/grpc-js';
import { createInProcessBus, type Bus, type BusMessage } from '@tessera/bus';
import { GrpcError, createLogger } from '@tessera/common';
import { federationV1, miningV1 } from '@tessera/proto';
import { BUS, OnBusBatch, ReadinessChecks, SERVICE_CONFIG, bootNestService, packageDefinitionOf, type NestService } from './index';

const config = { LOG_LEVEL: 'silent', OTEL_EXPORTER: 'none' as const, OTEL_EXPORTER_OTLP_ENDPOINT: '', BUS_DRIVER: 'memory' as const, HTTP_HOST: '127.0.0.1', HTTP_PORT: 0, TOPIC: 'nest-core-spec.events' };
type SpecConfig = typeof config;

/** A DI-resolved handler's collaborator: the transport must call the handler on the instance Nest built. */
@Injectable()
class EventLog implements OnModuleDestroy {
  readonly seen: string[] = [];
  failuresLeft = 1;
  destroyed = false;
  onModuleDestroy() {
    this.destroyed = true;
  }
}

@Controller()
class EventsHandler {
  constructor(private readonly log: EventLog) {}

  @OnBusBatch('spec-events', (c: SpecConfig) => ({ groupId: 'nest-core-spec', topics: [c.TOPIC], fromBeginning: true }))
  async handle(batch: BusMessage[]) {
    if (this.log.failuresLeft-- > 0) throw new Error('the database is away');
    for (const message of batch) this.log.seen.push(message.value.toString());
  }
}

@Controller()
class SpecGrpcController {
  constructor(@Inject(SERVICE_CONFIG) private readonly specConfig: SpecConfig) {}

  @GrpcMethod('MiningService', 'GetJob')
  async getJob(request: miningV1.GetJobRequest): Promise<miningV1.GetJobResponse> {
    if (!request.jobId) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'jobId is required');
    if (request.jobId === 'boom') throw new Error('unexpected');
    return { job: miningV1.Job.fromPartial({ jobId: request.jobId, storeId: request.storeId }) };
  }

  /** Bidirectional: answers every hello with a welcome, the oneof in ts-proto's { $case, value } shape both ways. */
  @GrpcStreamCall('FederationNodeService', 'Connect')
  connect(call: grpc.ServerDuplexStream<federationV1.ConnectRequest, federationV1.ConnectResponse>) {
    call.on('data', (request: federationV1.ConnectRequest) => {
      if (request.body?.$case === 'hello') call.write({ body: { $case: 'welcome', value: { storeId: `${request.body.value.storeId}@${this.specConfig.HTTP_HOST}` } } });
    });
    call.on('end', () => call.end());
  }
}

@Module({ controllers: [EventsHandler, SpecGrpcController], providers: [EventLog] })
class SpecModule {}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('nest-core: a service booted from the core module', () => {
  let bus: Bus;
  let service: NestService;
  let mining: miningV1.MiningServiceClient;
  let federation: federationV1.FederationNodeServiceClient;

  before(async () => {
    bus = createInProcessBus({ backoff: { initialMs: 20, maxMs: 50 } });
    service = await bootNestService({
      core: { name: 'spec', config, useBus: true, bus, logger: createLogger('spec', 'silent') },
      module: SpecModule,
      grpc: [
        { host: '127.0.0.1', port: 0, services: [miningV1.MiningServiceService] },
        { host: '127.0.0.1', port: 0, services: [federationV1.FederationNodeServiceService], gracefulShutdown: false },
      ],
    });
    mining = new miningV1.MiningServiceClient(`127.0.0.1:${service.grpcPorts[0]}`, grpc.credentials.createInsecure());
    federation = new federationV1.FederationNodeServiceClient(`127.0.0.1:${service.grpcPorts[1]}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    mining?.close();
    federation?.close();
    await service?.close();
    await bus?.close();
  });

  it('binds each gRPC server to its own port and reports it', () => {
    assert.equal(service.grpcPorts.length, 2);
    assert.ok(service.grpcPorts.every((port) => port > 0));
    assert.notEqual(service.grpcPorts[0], service.grpcPorts[1]);
    assert.equal(service.grpcPort, service.grpcPorts[0]);
  });

  it('answers a unary call through a controller method, with the ts-proto message shape', async () => {
    const answer = await new Promise<miningV1.GetJobResponse>((resolve, reject) => mining.getJob({ storeId: 'store-1', jobId: 'job-7' }, (error, response) => (error ? reject(error) : resolve(response))));
    assert.equal(answer.job?.jobId, 'job-7');
    assert.equal(answer.job?.storeId, 'store-1');
  });

  it("keeps a GrpcError's status and message; anything else is INTERNAL", async () => {
    const call = (jobId: string) => new Promise<grpc.ServiceError>((resolve, reject) => mining.getJob({ storeId: 's', jobId }, (error) => (error ? resolve(error) : reject(new Error('expected an error')))));
    const invalid = await call('');
    assert.equal(invalid.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(invalid.details, 'jobId is required');
    assert.equal((await call('boom')).code, grpc.status.INTERNAL);
  });

  it('serves a bidirectional stream through @GrpcStreamCall with oneofs as { $case, value }', async () => {
    const stream = federation.connect();
    const first = new Promise<federationV1.ConnectResponse>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    stream.write({ body: { $case: 'hello', value: { storeId: 'store-9', signature: Buffer.alloc(0), nonce: Buffer.alloc(0) } } });
    const answer = await first;
    assert.deepEqual(answer.body, { $case: 'welcome', value: { storeId: 'store-9@127.0.0.1' } });
    stream.end();
  });

  it('delivers bus batches to the DI-built handler, redelivering a batch whose handler threw', async () => {
    const log = service.app.get(EventLog);
    await bus.publish(config.TOPIC, [{ key: 'store-1', value: 'first' }, { key: 'store-1', value: 'second' }]);
    await waitFor('the redelivered batch', () => log.seen.length >= 2);
    assert.equal(log.failuresLeft, -1, 'the first delivery failed and the batch came again');
    assert.deepEqual(log.seen, ['first', 'second']);
    assert.equal(service.app.get(BUS), bus, 'the in-process bus passed in is the one provided');
  });

  it('reports readiness with the bus as a terminus indicator, liveness without dependencies', async () => {
    const ready = await fetch(`http://127.0.0.1:${service.httpPort}/health/ready`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { status: string; info: Record<string, { status: string }> };
    assert.equal(body.status, 'ok');
    assert.deepEqual(Object.keys(body.info), ['bus']);
    assert.equal((await fetch(`http://127.0.0.1:${service.httpPort}/health/live`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${service.httpPort}/health`)).status, 200);
    const metrics = await fetch(`http://127.0.0.1:${service.httpPort}/metrics`);
    assert.match(await metrics.text(), /tessera_http_requests_total\{[^}]*route="\/health\/ready"/);
  });

  it('answers 503 naming the dependency that is down', async () => {
    service.app.get(ReadinessChecks).add({ name: 'peer', check: async () => { throw new Error('peer unreachable'); } });
    const ready = await fetch(`http://127.0.0.1:${service.httpPort}/health/ready`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { error: Record<string, { status: string; message: string }> };
    assert.deepEqual(body.error.peer, { status: 'down', message: 'peer unreachable' });
  });
});

describe('nest-core: shutdown', () => {
  it('close() is app.close(): lifecycle hooks run, the servers stop, the passed-in bus stays open', async () => {
    const bus = createInProcessBus();
    const service = await bootNestService({ core: { name: 'spec', config, useBus: true, bus, logger: createLogger('spec', 'silent') }, module: SpecModule, grpc: [{ host: '127.0.0.1', port: 0, services: [miningV1.MiningServiceService] }] });
    const log = service.app.get(EventLog);
    await service.close();
    assert.equal(log.destroyed, true);
    await assert.rejects(fetch(`http://127.0.0.1:${service.httpPort}/health`));
    assert.equal(await bus.healthy(), true, "the runner's bus is the runner's to close");
    await bus.close();
  });

  it('refuses BUS_DRIVER=memory without the in-process bus', async () => {
    await assert.rejects(bootNestService({ core: { name: 'spec', config, useBus: true }, module: SpecModule }), /BUS_DRIVER=memory works only inside the all-in-one process/);
  });

  it('names both services of a package definition with their proto method names', () => {
    const { packageDefinition, packages } = packageDefinitionOf([miningV1.MiningServiceService, federationV1.FederationNodeServiceService]);
    assert.deepEqual(packages, ['tessera.mining.v1', 'tessera.federation.v1']);
    assert.equal((packageDefinition['tessera.mining.v1.MiningService'].getJob as { originalName?: string }).originalName, 'GetJob');
  });
});
