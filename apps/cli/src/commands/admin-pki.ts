/**
 * `tessera admin ca|node-cert|hub-cert`: the consortium's certificates for the store-node <-> hub
 * links (mTLS). The CA directory holds the CA key: keep it offline, with the consortium operator.
 *
 *   tessera admin ca init --out <dir> [--name N] [--days D]
 *       a new consortium CA: <dir>/ca.crt (give it to the hub and every node), <dir>/ca.key (secret)
 *   tessera admin node-cert --ca <dir> --store <id> --out <dir> [--days D]
 *       a store node's client certificate bound to its store: <out>/node.crt, <out>/node.key, <out>/ca.crt
 *   tessera admin hub-cert --ca <dir> --host <h>[,<h>] --out <dir> [--days D]
 *       the hub's server certificate for the names store nodes dial: <out>/hub.crt, <out>/hub.key, <out>/ca.crt
 *
 * Keys are written mode 0600; an existing file is never overwritten (rotate into a new directory).
 */
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsortiumCa, issueHubCertificate, issueNodeCertificate, type KeyAndCertificate } from '@tessera/common';
import type { CommandIo } from '../main';

export const PKI_SUBCOMMANDS = ['ca', 'node-cert', 'hub-cert'];

export const PKI_USAGE = `  tessera admin ca init --out <dir> [--name N] [--days D]
  tessera admin node-cert --ca <dir> --store <id> --out <dir> [--days D]
  tessera admin hub-cert --ca <dir> --host <h>[,<h>] --out <dir> [--days D]
`;

class Refused extends Error {}

function days(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 36500) throw new Error(`--days must be a whole number of days in [1, 36500], got ${JSON.stringify(raw)}`);
  return value;
}

function readCa(dir: string): KeyAndCertificate {
  const certFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  for (const file of [certFile, keyFile]) if (!existsSync(file)) throw new Refused(`--ca ${dir}: ${file} not found (create the CA with \`tessera admin ca init --out ${dir}\`)`);
  const certPem = readFileSync(certFile, 'utf8');
  const cert = new X509Certificate(certPem);
  if (!cert.ca) throw new Refused(`--ca ${dir}: ${certFile} is not a CA certificate`);
  if (new Date(cert.validTo).getTime() < Date.now()) throw new Refused(`--ca ${dir}: the CA expired on ${cert.validTo}`);
  return { certPem, keyPem: readFileSync(keyFile, 'utf8') };
}

/** Writes every file or none: refuses when one exists (a ca.crt identical to the one to write is kept). */
function writeAll(dir: string, files: { name: string; content: string; secret?: boolean }[]): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pending = files.filter((file) => !(file.name === 'ca.crt' && existsSync(join(dir, file.name)) && readFileSync(join(dir, file.name), 'utf8') === file.content));
  const taken = pending.filter((file) => existsSync(join(dir, file.name)));
  if (taken.length) throw new Refused(`${taken.map((file) => join(dir, file.name)).join(', ')} already exist${taken.length === 1 ? 's' : ''}: refusing to overwrite (write the new certificate to another directory, then switch the service to it)`);
  for (const file of pending) writeFileSync(join(dir, file.name), file.content, { mode: file.secret ? 0o600 : 0o644, flag: 'wx' });
  return files.map((file) => join(dir, file.name));
}

function describe(pem: string): string {
  const cert = new X509Certificate(pem);
  return `${cert.subject.replace(/\n/g, ', ')}; valid until ${cert.validTo}; SHA-256 ${createHash('sha256').update(cert.raw).digest('hex').match(/../g)!.join(':')}`;
}

export async function adminPkiCommand(subcommand: string, argv: string[], io: CommandIo): Promise<number> {
  const say = (line: string) => io.stdout.write(line + '\n');
  const usage = (message: string) => {
    io.stderr.write(`tessera admin ${subcommand}: ${message}\nusage:\n${PKI_USAGE}`);
    return 2;
  };
  let values: Record<string, string | undefined>;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, ca: { type: 'string' }, store: { type: 'string' }, host: { type: 'string' }, name: { type: 'string' }, days: { type: 'string' } },
      strict: true,
      allowPositionals: subcommand === 'ca',
    });
    values = parsed.values as Record<string, string | undefined>;
    positionals = parsed.positionals;
  } catch (error) {
    return usage((error as Error).message);
  }
  try {
    if (subcommand === 'ca') {
      if (positionals.length !== 1 || positionals[0] !== 'init') return usage(`the ca command is \`ca init\`${positionals.length ? `, got "${positionals.join(' ')}"` : ''}`);
      if (!values.out) return usage('--out <dir> is required');
      const out = resolve(values.out);
      const ca = await createConsortiumCa({ name: values.name, days: days(values.days) ?? 3650 });
      writeAll(out, [
        { name: 'ca.crt', content: ca.certPem },
        { name: 'ca.key', content: ca.keyPem, secret: true },
      ]);
      say(`consortium CA: ${describe(ca.certPem)}`);
      say(`  ${join(out, 'ca.crt')}  give it to the hub and every store node (NODE_TLS_CA_FILE)`);
      say(`  ${join(out, 'ca.key')}  secret: keep it offline; it signs every node and hub certificate`);
      return 0;
    }
    if (!values.ca) return usage('--ca <dir> is required (the directory `tessera admin ca init` wrote)');
    if (!values.out) return usage('--out <dir> is required');
    const out = resolve(values.out);
    if (subcommand === 'node-cert') {
      if (!values.store) return usage('--store <id> is required (the store this node enrols as)');
      const ca = readCa(resolve(values.ca));
      const issued = await issueNodeCertificate(ca, { storeId: values.store, days: days(values.days) });
      writeAll(out, [
        { name: 'node.crt', content: issued.certPem },
        { name: 'node.key', content: issued.keyPem, secret: true },
        { name: 'ca.crt', content: ca.certPem },
      ]);
      say(`node certificate for store ${values.store}: ${describe(issued.certPem)}`);
      say(`# the store node's privacy service (and every other service of the node that dials the hub):`);
      say(`NODE_TLS_MODE=mtls`);
      say(`NODE_TLS_CA_FILE=${join(out, 'ca.crt')}`);
      say(`NODE_TLS_CERT_FILE=${join(out, 'node.crt')}`);
      say(`NODE_TLS_KEY_FILE=${join(out, 'node.key')}`);
      return 0;
    }
    if (subcommand === 'hub-cert') {
      const hosts = (values.host ?? '').split(',').map((host) => host.trim()).filter(Boolean);
      if (!hosts.length) return usage('--host <h>[,<h>] is required (every DNS name or IP address store nodes dial the hub at)');
      const ca = readCa(resolve(values.ca));
      const issued = await issueHubCertificate(ca, { hosts, days: days(values.days) });
      writeAll(out, [
        { name: 'hub.crt', content: issued.certPem },
        { name: 'hub.key', content: issued.keyPem, secret: true },
        { name: 'ca.crt', content: ca.certPem },
      ]);
      say(`hub certificate for ${hosts.join(', ')}: ${describe(issued.certPem)}`);
      say(`# the hub's federation service (its node port, NODE_GRPC_PORT):`);
      say(`NODE_TLS_MODE=mtls`);
      say(`NODE_TLS_CA_FILE=${join(out, 'ca.crt')}`);
      say(`NODE_TLS_CERT_FILE=${join(out, 'hub.crt')}`);
      say(`NODE_TLS_KEY_FILE=${join(out, 'hub.key')}`);
      return 0;
    }
    return usage(`unknown subcommand "${subcommand}"`);
  } catch (error) {
    if (error instanceof Refused) {
      io.stderr.write(`tessera admin ${subcommand}: ${error.message}\n`);
      return 1;
    }
    // Bad store ids, hosts and validity periods: the PKI's own checks name them.
    return usage((error as Error).message);
  }
}
