/**
 * One validated configuration per service. Each variable declares what it is for and
 * whether it is sensitive (sensitive values are never logged or echoed in errors).
 * Loading collects every problem at once and names each bad variable, so a boot that
 * fails tells the operator everything to fix in one go.
 */
export interface VariableSpec<T> {
  description: string;
  sensitive?: boolean;
  /** Raw default used when the variable is unset; omit to make the variable required. */
  default?: string;
  /** Parses the raw string or throws an Error whose message says what is expected. */
  parse: (raw: string) => T;
}

export type ConfigSpec = Record<string, VariableSpec<unknown>>;
export type ConfigValues<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends VariableSpec<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: { variable: string; message: string }[],
  ) {
    super(
      `${service}: invalid configuration:\n` +
        problems.map((problem) => `  - ${problem.variable}: ${problem.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface ConfigDefinition<S extends ConfigSpec> {
  readonly service: string;
  readonly spec: S;
  load(env?: Record<string, string | undefined>): ConfigValues<S>;
  /** Rows for documentation: name, description, default, sensitive. */
  describe(): { variable: string; description: string; default?: string; sensitive: boolean }[];
}

export function defineConfig<S extends ConfigSpec>(service: string, spec: S): ConfigDefinition<S> {
  return {
    service,
    spec,
    load(env = process.env) {
      const values: Record<string, unknown> = {};
      const problems: { variable: string; message: string }[] = [];
      for (const [variable, variableSpec] of Object.entries(spec)) {
        const raw = env[variable];
        const effective = raw === undefined || raw === '' ? variableSpec.default : raw;
        if (effective === undefined) {
          problems.push({ variable, message: `is required (${variableSpec.description})` });
          continue;
        }
        try {
          values[variable] = variableSpec.parse(effective);
        } catch (error) {
          const shown = variableSpec.sensitive ? '(value hidden)' : JSON.stringify(effective);
          problems.push({ variable, message: `${(error as Error).message}; got ${shown} (${variableSpec.description})` });
        }
      }
      if (problems.length > 0) throw new ConfigError(service, problems);
      return Object.freeze(values) as ConfigValues<S>;
    },
    describe() {
      return Object.entries(spec).map(([variable, variableSpec]) => ({
        variable,
        description: variableSpec.description,
        default: variableSpec.default,
        sensitive: Boolean(variableSpec.sensitive),
      }));
    },
  };
}

type Options<T> = { description: string; default?: string; sensitive?: boolean } & T;

export const vars = {
  string(options: Options<{ minLength?: number }>): VariableSpec<string> {
    return {
      ...options,
      parse: (raw) => {
        if (options.minLength !== undefined && raw.length < options.minLength) throw new Error(`must be at least ${options.minLength} characters`);
        return raw;
      },
    };
  },
  integer(options: Options<{ min?: number; max?: number }>): VariableSpec<number> {
    return {
      ...options,
      parse: (raw) => {
        if (!/^-?\d+$/.test(raw.trim())) throw new Error('must be an integer');
        const value = Number(raw);
        if (options.min !== undefined && value < options.min) throw new Error(`must be >= ${options.min}`);
        if (options.max !== undefined && value > options.max) throw new Error(`must be <= ${options.max}`);
        return value;
      },
    };
  },
  port(options: Options<object>): VariableSpec<number> {
    return vars.integer({ ...options, min: 0, max: 65535 });
  },
  boolean(options: Options<object>): VariableSpec<boolean> {
    return {
      ...options,
      parse: (raw) => {
        const lowered = raw.trim().toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
        if (['false', '0', 'no', 'off'].includes(lowered)) return false;
        throw new Error('must be true or false');
      },
    };
  },
  oneOf<T extends string>(choices: readonly T[], options: Options<object>): VariableSpec<T> {
    return {
      ...options,
      parse: (raw) => {
        if (!(choices as readonly string[]).includes(raw)) throw new Error(`must be one of ${choices.join(', ')}`);
        return raw as T;
      },
    };
  },
  url(options: Options<{ protocols: string[] }>): VariableSpec<string> {
    return {
      ...options,
      parse: (raw) => {
        let parsed: URL;
        try {
          parsed = new URL(raw);
        } catch {
          throw new Error(`must be a URL (${options.protocols.map((p) => `${p}//…`).join(' or ')})`);
        }
        if (!options.protocols.includes(parsed.protocol)) throw new Error(`must use ${options.protocols.join(' or ')}`);
        return raw;
      },
    };
  },
  /** host:port[,host:port…] */
  hostList(options: Options<object>): VariableSpec<string[]> {
    return {
      ...options,
      parse: (raw) => {
        const hosts = raw.split(',').map((h) => h.trim()).filter(Boolean);
        if (hosts.length === 0) throw new Error('must list at least one host:port');
        for (const host of hosts) if (!/^[\w.\-\[\]:]+:\d{1,5}$/.test(host)) throw new Error(`"${host}" is not host:port`);
        return hosts;
      },
    };
  },
};
