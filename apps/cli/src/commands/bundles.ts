import type { CommandIo } from '../main';
import { roundCommand } from './round';

const USAGE = `usage: tessera bundles --dataset FILE [--format ...] --stores N --epsilon E [--split ...] [--min-util P%] [--k K] [--top N] [--json]
Runs one federated round exactly as \`tessera round\` does, then prints the bundles it yields:
each published itemset of two or more items by revenue impact, with confidence where the
round published the supports of its parts. Lift and support also need the round's
transaction count, which rounds do not publish yet: each bundle says so.
`;

/** `tessera bundles`: a round, then the bundles the insights service would show. */
export async function bundlesCommand(argv: string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const json = argv.includes('--json');
  const topIndex = argv.indexOf('--top');
  const top = topIndex >= 0 ? Number(argv[topIndex + 1]) : 20;
  if (!(top >= 1)) {
    io.stderr.write(`tessera bundles: --top must be a positive integer\n\n${USAGE}`);
    return 2;
  }
  // Every published pattern (singletons too: they are the parts confidence needs).
  const roundArgs = argv.filter((arg, index) => arg !== '--json' && index !== topIndex && index !== topIndex + 1);
  let captured = '';
  const code = await roundCommand([...roundArgs, '--top', '100000', '--json'], { stdout: { write: (chunk: string) => ((captured += chunk), true) } as unknown as NodeJS.WritableStream, stderr: json ? io.stderr : io.stdout } as CommandIo);
  if (code !== 0) return code;
  const round = JSON.parse(captured) as { round: string; participants: number; epsilon: number; patterns: { items: string[]; aggregatedUtility: number; globalSupport: number }[] };
  const { consortiumBundles } = await import('@tessera/insights-service');
  const document = consortiumBundles(
    round.patterns.map((p) => ({ items: p.items, utilityCents: p.aggregatedUtility, support: p.globalSupport })),
    { supportSigma: 0 },
    { roundId: round.round, completedAt: new Date().toISOString() },
  );
  const bundles = document.bundles.slice(0, top);
  if (json) {
    io.stdout.write(JSON.stringify({ round: document.round, participants: round.participants, epsilon: round.epsilon, bundles }) + '\n');
    return 0;
  }
  io.stdout.write(`\n${document.bundles.length} bundles (itemsets of 2+ items) in round ${round.round.slice(0, 8)}; the top ${bundles.length} by revenue impact:\n\n`);
  io.stdout.write(`${'revenue impact'.padStart(14)}  ${'confidence'.padStart(10)}  items\n`);
  for (const bundle of bundles) {
    io.stdout.write(`${(bundle.revenueImpactCents / 100).toFixed(2).padStart(14)}  ${(bundle.confidence === null ? '-' : bundle.confidence.toFixed(2)).padStart(10)}  ${bundle.items.map((i) => i.sku).join(' + ')}${bundle.reason ? `   (${bundle.reason})` : ''}\n`);
  }
  return 0;
}
