import { vars, type VariableSpec } from './define-config';

/** A store id everywhere in Tessera: letters, digits, _ . -, at most 64 characters. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Variables every service reads; each service spreads these into its own definition. */
export const observabilityVariables = {
  LOG_LEVEL: vars.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, { description: 'Minimum level of the JSON log lines', default: 'info' }),
  OTEL_EXPORTER: vars.oneOf(['none', 'console', 'otlp'] as const, { description: 'OpenTelemetry trace exporter (off by default)', default: 'none' }),
  OTEL_EXPORTER_OTLP_ENDPOINT: vars.string({ description: 'OTLP/HTTP endpoint for traces when OTEL_EXPORTER=otlp', default: 'http://127.0.0.1:4318/v1/traces' }),
};

export const httpVariables = {
  HTTP_HOST: vars.string({ description: 'Interface the HTTP server (health, metrics, API) binds to', default: '0.0.0.0' }),
};

export const databaseVariables = {
  DATABASE_URL: vars.url({ protocols: ['postgres:', 'postgresql:'], description: 'Postgres connection URL; the service uses its own schema in this database', sensitive: true }),
  DATABASE_POOL_SIZE: vars.integer({ min: 1, max: 100, description: 'Maximum Postgres connections in the pool', default: '10' }),
  DATABASE_SCHEMA: {
    description: 'Postgres schema this service owns (default: the service name); lets several store nodes share one database',
    default: '-',
    parse: (raw: string) => {
      if (raw === '-') return undefined;
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new Error('must be a lower-case Postgres identifier');
      return raw;
    },
  },
};

export const busVariables = {
  BUS_DRIVER: vars.oneOf(['kafka', 'memory'] as const, { description: 'Event bus: kafka in production, memory only inside the all-in-one process', default: 'kafka' }),
  KAFKA_BROKERS: vars.hostList({ description: 'Kafka bootstrap brokers, comma separated host:port', default: '127.0.0.1:9092' }),
  BUS_NAMESPACE: {
    description: "Prefix of every Kafka topic and consumer group of this node (e.g. store-0042: topics store-0042.pos.transactions.v1, ...), so that several store nodes can share one Kafka cluster without reading each other's events; empty uses the plain names",
    default: '',
    parse: (raw: string) => {
      if (raw !== '' && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(raw)) throw new Error('must be 1-64 letters, digits, _ or - (it prefixes Kafka topic and group names)');
      return raw;
    },
  },
  KAFKA_PARTITIONS_CONCURRENTLY: vars.integer({ description: 'Partitions one consumer handles at the same time (order within a partition always holds)', default: '3', min: 1, max: 64 }),
};

/**
 * NODE_STORE_IDS of a store-node service (the gateway, the scheduler): the stores the node
 * serves, comma separated, each a valid store id, at least one. The value is kept as the
 * normalized list text; `storeIdsIn` splits it.
 */
export function nodeStoreIdsVariable(description: string): VariableSpec<string> {
  return {
    description,
    parse: (raw: string) => {
      const ids = storeIdsIn(raw);
      if (ids.length === 0) throw new Error('must name at least one store id');
      const bad = ids.find((id) => !STORE_ID_PATTERN.test(id));
      if (bad !== undefined) throw new Error(`${JSON.stringify(bad)} is not a store id (letters, digits, _ . -, at most 64)`);
      return ids.join(',');
    },
  };
}

/** The distinct store ids of a comma-separated list, in order. */
export function storeIdsIn(list: string): string[] {
  return [...new Set(list.split(',').map((id) => id.trim()).filter(Boolean))];
}
