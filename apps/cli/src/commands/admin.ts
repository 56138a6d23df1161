/**
 * `tessera admin ...`: operator commands on the auth service's database, for when there is
 * no admin to sign in with yet (the one-time bootstrap) or to prepare key material.
 *
 *   tessera admin create-user --role admin|regional_coordinator|store_manager --email E [--store S] [--region R]
 *       creates an account and prints its generated password once (there is no default password)
 *   tessera admin create-store --id S [--name N] [--region R]
 *   tessera admin create-region --id R [--name N]
 *   tessera admin signing-key [--kid K]
 *       prints a new JWT signing key: JWT_SIGNING_KEYS for auth, JWT_VERIFY_KEYS for the gateway
 *   tessera admin ca init | node-cert | hub-cert
 *       the consortium CA and the certificates of the store-node <-> hub links (admin-pki.ts)
 *
 * The database comes from DATABASE_URL (the auth service's); --schema overrides the schema (default auth).
 * Exit codes: 0 ok, 2 usage error, 1 the operation failed (the message says why).
 */
import { parseArgs } from 'node:util';
import type { CommandIo } from '../main';
import { PKI_SUBCOMMANDS, PKI_USAGE, adminPkiCommand } from './admin-pki';

const USAGE = `usage:
  tessera admin create-user --role admin|regional_coordinator|store_manager --email E [--store S] [--region R]
  tessera admin create-store --id S [--name N] [--region R]
  tessera admin create-region --id R [--name N]
  tessera admin signing-key [--kid K]
${PKI_USAGE}Runs against DATABASE_URL (the auth service's database), schema auth unless --schema is given.
`;

const ROLES = ['admin', 'regional_coordinator', 'store_manager'] as const;

class UsageError extends Error {}

export async function adminCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [subcommand, ...rest] = argv;
  const say = (line: string) => io.stdout.write(line + '\n');
  if (PKI_SUBCOMMANDS.includes(subcommand)) return adminPkiCommand(subcommand, rest, io);
  let values: Record<string, string | undefined>;
  try {
    if (!subcommand || subcommand === '--help' || subcommand === 'help') throw new UsageError('');
    const parsed = parseArgs({
      args: rest,
      options: { role: { type: 'string' }, email: { type: 'string' }, store: { type: 'string' }, region: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, kid: { type: 'string' }, schema: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values as Record<string, string | undefined>;
  } catch (error) {
    const message = (error as Error).message;
    io.stderr.write(`${message ? `tessera admin: ${message}\n` : ''}${USAGE}`);
    return 2;
  }

  if (subcommand === 'signing-key') {
    const { generateSigningKey, parseSigningKeys, publicKeysJson } = await import('@tessera/auth-service');
    const key = generateSigningKey(values.kid);
    const signing = JSON.stringify([key]);
    say(`# auth service (secret; to rotate, put the new key first and keep the old one after it until its tokens expire):`);
    say(`JWT_SIGNING_KEYS='${signing}'`);
    say(`# gateway (public; list the new key alongside the old ones before the auth service starts signing with it):`);
    say(`JWT_VERIFY_KEYS='${publicKeysJson(parseSigningKeys(signing))}'`);
    return 0;
  }

  const commands: Record<string, () => string | undefined> = {
    'create-user': () => {
      if (!values.role || !(ROLES as readonly string[]).includes(values.role)) return `--role must be one of ${ROLES.join(', ')}`;
      if (!values.email) return '--email is required';
      if (values.role === 'store_manager' && !values.store) return 'a store_manager needs --store';
      if (values.role === 'regional_coordinator' && !values.region) return 'a regional_coordinator needs --region';
      return undefined;
    },
    'create-store': () => (values.id ? undefined : '--id is required'),
    'create-region': () => (values.id ? undefined : '--id is required'),
  };
  const check = commands[subcommand];
  if (!check) {
    io.stderr.write(`tessera admin: unknown subcommand "${subcommand}"\n${USAGE}`);
    return 2;
  }
  const problem = check();
  if (problem) {
    io.stderr.write(`tessera admin ${subcommand}: ${problem}\n${USAGE}`);
    return 2;
  }
  if (!env.DATABASE_URL) {
    io.stderr.write(`tessera admin ${subcommand}: set DATABASE_URL to the auth service's database (postgres://…)\n`);
    return 2;
  }

  const { openAuthAdmin } = await import('@tessera/auth-service');
  let admin;
  try {
    admin = await openAuthAdmin({ databaseUrl: env.DATABASE_URL, schema: values.schema });
  } catch (error) {
    io.stderr.write(`tessera admin ${subcommand}: cannot open the auth database: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    if (subcommand === 'create-user') {
      const { user, password } = await admin.createUser({ email: values.email!, role: values.role as (typeof ROLES)[number], storeId: values.store, regionId: values.region });
      say(`created ${user.role} ${user.email}${user.storeId ? ` for store ${user.storeId}` : ''}${user.regionId ? ` for region ${user.regionId}` : ''} (id ${user.id})`);
      say(`password (shown once, change it after signing in with POST /api/auth/password): ${password}`);
    } else if (subcommand === 'create-store') {
      const store = await admin.createStore({ id: values.id!, name: values.name, regionId: values.region });
      say(`registered store ${store.id}${store.regionId ? ` in region ${store.regionId}` : ''}`);
    } else {
      const region = await admin.createRegion({ id: values.id!, name: values.name });
      say(`created region ${region.id}`);
    }
    return 0;
  } catch (error) {
    io.stderr.write(`tessera admin ${subcommand}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await admin.close();
  }
}
