/** Fields-first logger, the shape pino's logger has (`logger.info({ ...fields }, 'message')`). */
export type BusLogFields = Record<string, unknown>;
export interface BusLogger {
  error(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  info(fields: object, msg?: string): void;
  debug(fields: object, msg?: string): void;
}
export type BusLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

const rank: Record<BusLogLevel, number> = { nothing: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function levelEnabled(configured: BusLogLevel, level: Exclude<BusLogLevel, 'nothing'>): boolean {
  return rank[level] <= rank[configured];
}

/** Drops everything. */
export const silentLogger: BusLogger = { error() {}, warn() {}, info() {}, debug() {} };

/** Makes values JSON-friendly: Errors become { name, message, stack, code }. */
export function serializable(fields: BusLogFields): BusLogFields {
  const out: BusLogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) {
      const e = v as Error & { code?: unknown; type?: unknown };
      out[k] = { name: e.name, message: e.message, stack: e.stack, ...(e.code !== undefined ? { code: e.code } : {}), ...(e.type !== undefined ? { type: e.type } : {}) };
    } else if (typeof v === 'bigint') {
      out[k] = v.toString();
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * One JSON object per line (pino-like: level, time, msg, fields), to stderr unless `write` is given.
 * For callers with no logger of their own.
 */
export function createJsonLogger(opts: { level?: BusLogLevel; write?: (line: string) => void; base?: BusLogFields } = {}): BusLogger {
  const configured = opts.level ?? 'info';
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: Exclude<BusLogLevel, 'nothing'>) => (fields: BusLogFields, msg?: string) => {
    if (!levelEnabled(configured, level)) return;
    let line: string;
    try {
      line = JSON.stringify({ level, time: Date.now(), ...opts.base, ...serializable(fields), msg });
    } catch {
      line = JSON.stringify({ level, time: Date.now(), ...opts.base, msg, unserializable: true });
    }
    write(line);
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

/** Wraps a logger so that only levels at or above `level` reach it. */
export function filterLogger(logger: BusLogger, level: BusLogLevel): BusLogger {
  const pass = (l: Exclude<BusLogLevel, 'nothing'>) => (fields: BusLogFields, msg?: string) => {
    if (levelEnabled(level, l)) logger[l](fields, msg);
  };
  return { error: pass('error'), warn: pass('warn'), info: pass('info'), debug: pass('debug') };
}
