import assert from 'node:assert/strict';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { federationV1 } from '@tessera/proto';
import { StartRoundBody } from './federation.dto';
import { roundConfigOf, startRoundProblems } from './round-request.util';

const base = { minClients: 3, privacyBudget: 4 };

/** The messages the gateway's ValidationPipe would answer with, nested fields prefixed by their parent. */
async function fieldErrors(plain: object): Promise<string[]> {
  const flatten = (errors: ValidationError[], parent = ''): string[] =>
    errors.flatMap((e) => [...Object.values(e.constraints ?? {}).map((m) => `${parent}${e.property}: ${m}`), ...flatten(e.children ?? [], `${parent}${e.property}.`)]);
  return flatten(await validate(plainToInstance(StartRoundBody, plain), { whitelist: true, forbidNonWhitelisted: true }));
}

describe('start-round body: each field alone (DTO)', () => {
  it('accepts a demand-series body and names each bad field, nested ones by their path', async () => {
    assert.deepEqual(await fieldErrors({ ...base, kind: 'demand-series', catalogue: { topItems: 20 }, period: 'week', fromDate: '2011-01-03', toDate: '2011-03-01' }), []);
    const errors = await fieldErrors({ ...base, kind: 'forecast', period: 'fortnight', fromDate: '3 Jan', catalogue: { topItems: 0, skus: [] }, demandBounds: { maxQuantityPerTransaction: -1 }, priceBounds: { maxQuantity: 1 } });
    for (const field of ['kind:', 'period:', 'fromDate:', 'catalogue.topItems:', 'catalogue.skus:', 'demandBounds.maxQuantityPerTransaction:', 'priceBounds.maxQuantity:']) {
      assert.ok(errors.some((e) => e.startsWith(field)), `${field} in ${JSON.stringify(errors)}`);
    }
  });
});

describe('startRoundProblems (across fields)', () => {
  it('an itemsets round (also by default) refuses statistics parameters, naming them', () => {
    assert.deepEqual(startRoundProblems({ ...base }), []);
    assert.deepEqual(startRoundProblems({ ...base, kind: 'itemsets', topM: 50 }), []);
    const problems = startRoundProblems({ ...base, period: 'week', catalogue: { topItems: 3 } });
    assert.equal(problems.length, 2);
    assert.match(problems.join('\n'), /catalogue applies to demand-series and price-response rounds only/);
    assert.match(problems.join('\n'), /period applies to demand-series and price-response rounds only/);
  });

  it('a statistics round needs exactly one of catalogue.skus and catalogue.topItems, and no itemset parameters', () => {
    assert.match(startRoundProblems({ ...base, kind: 'demand-series' }).join(), /catalogue is required for a demand-series round/);
    assert.match(startRoundProblems({ ...base, kind: 'demand-series', catalogue: { skus: ['A'], topItems: 5 } }).join(), /either catalogue.skus or catalogue.topItems, not both/);
    assert.match(startRoundProblems({ ...base, kind: 'price-response', catalogue: {} }).join(), /catalogue needs catalogue.skus or catalogue.topItems/);
    assert.match(startRoundProblems({ ...base, kind: 'price-response', catalogue: { skus: ['A', 'A'] } }).join(), /catalogue.skus must not repeat/);
    assert.match(startRoundProblems({ ...base, kind: 'demand-series', catalogue: { topItems: 5 }, topM: 10 }).join(), /topM applies to itemsets rounds only/);
    assert.deepEqual(startRoundProblems({ ...base, kind: 'demand-series', catalogue: { skus: ['A', 'B'] } }), []);
  });

  it('demand-series: real calendar dates in order, no price bounds', () => {
    assert.match(startRoundProblems({ ...base, kind: 'demand-series', catalogue: { topItems: 5 }, fromDate: '2011-02-30' }).join(), /fromDate 2011-02-30 is not a calendar date/);
    assert.match(startRoundProblems({ ...base, kind: 'demand-series', catalogue: { topItems: 5 }, fromDate: '2011-03-01', toDate: '2011-02-01' }).join(), /fromDate 2011-03-01 is after toDate 2011-02-01/);
    assert.match(startRoundProblems({ ...base, kind: 'demand-series', catalogue: { topItems: 5 }, priceBounds: {} }).join(), /priceBounds applies to price-response rounds only/);
  });

  it('price-response: ordered price bounds, one reference price per SKU, no demand parameters', () => {
    const catalogue = { skus: ['A', 'B'] };
    assert.match(startRoundProblems({ ...base, kind: 'price-response', catalogue, priceBounds: { minUnitPrice: 5, maxUnitPrice: 5 } }).join(), /priceBounds.minUnitPrice must be below priceBounds.maxUnitPrice/);
    assert.match(startRoundProblems({ ...base, kind: 'price-response', catalogue, priceBounds: { referenceUnitPrices: [1] } }).join(), /has 1 prices for 2 catalogue.skus/);
    assert.match(startRoundProblems({ ...base, kind: 'price-response', catalogue: { topItems: 2 }, priceBounds: { referenceUnitPrices: [1, 2] } }).join(), /referenceUnitPrices needs catalogue.skus/);
    assert.match(startRoundProblems({ ...base, kind: 'price-response', catalogue, priceBounds: { priceBand: 3 } }).join(), /priceBand applies only with priceBounds.referenceUnitPrices/);
    assert.match(startRoundProblems({ ...base, kind: 'price-response', catalogue, period: 'week' }).join(), /period applies to demand-series rounds only/);
    assert.deepEqual(startRoundProblems({ ...base, kind: 'price-response', catalogue, priceBounds: { referenceUnitPrices: [1.5, 3], priceBand: 2 } }), []);
  });
});

describe('roundConfigOf', () => {
  it('maps an itemsets body with the defaults it always had', () => {
    const config = roundConfigOf({ ...base }, ['s1']);
    assert.equal(config.kind, federationV1.RoundKind.ROUND_KIND_ITEMSETS);
    assert.deepEqual([config.kThreshold, config.maxPatternLength, config.topM, config.stageTimeoutSeconds, config.delta], [3, 4, 200, 60, 1e-5]);
    assert.equal(config.catalogue, undefined);
  });

  it('maps demand-series and price-response bodies, amounts from currency units to cents', () => {
    const demand = roundConfigOf({ ...base, kind: 'demand-series', catalogue: { topItems: 20 }, period: 'month', toDate: '2011-12-01', demandBounds: { maxRevenuePerTransaction: 123.45 } }, ['s1', 's2']);
    assert.equal(demand.kind, federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES);
    assert.deepEqual(demand.catalogue, { skus: [], topItems: 20 });
    assert.deepEqual([demand.period, demand.fromDate, demand.toDate], ['month', '', '2011-12-01']);
    assert.deepEqual(demand.demandBounds, { maxQuantityPerTransaction: 0, maxRevenueCentsPerTransaction: 12345 });
    assert.deepEqual(demand.storeIds, ['s1', 's2']);
    const price = roundConfigOf({ ...base, kind: 'price-response', catalogue: { skus: ['A'] }, priceBounds: { minUnitPrice: 0.5, maxUnitPrice: 20, referenceUnitPrices: [2.95], priceBand: 3 } }, []);
    assert.equal(price.kind, federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE);
    assert.deepEqual(price.priceBounds, { minUnitPriceCents: 50, maxUnitPriceCents: 2000, maxQuantity: 0, referenceUnitPricesCents: [295], priceBand: 3 });
  });
});
