#!/usr/bin/env node
// Regenerates demo/online-retail-demo.csv.gz: an excerpt of the UCI Online Retail data
// (Chen, Sain & Guo 2012; CC BY 4.0) from ../shared/datasets/OnlineRetail.csv.
// Every invoice (cancellations included, which ingestion rejects with a reason) of six
// countries, each country a demo store; the United Kingdom is cut to its first 800 invoices.
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGzip } from 'node:zlib';
import { resolve } from 'node:path';

const source = resolve(process.argv[2] ?? new URL('../../shared/datasets/OnlineRetail.csv', import.meta.url).pathname);
const target = new URL('../demo/online-retail-demo.csv.gz', import.meta.url).pathname;
const countries = new Map([['United Kingdom', 800], ['Germany', Infinity], ['France', Infinity], ['EIRE', Infinity], ['Spain', Infinity], ['Netherlands', Infinity]]);
const invoicesPerCountry = new Map();
const keptInvoices = new Set();
const out = createGzip({ level: 9 });
out.pipe(createWriteStream(target));
let header = true;
let rows = 0;
for await (const line of createInterface({ input: createReadStream(source), crlfDelay: Infinity })) {
  if (header) {
    out.write(line + '\n');
    header = false;
    continue;
  }
  const invoice = line.slice(0, line.indexOf(','));
  const country = line.slice(line.lastIndexOf(',') + 1);
  const cap = countries.get(country);
  if (cap === undefined) continue;
  if (!keptInvoices.has(invoice)) {
    const count = invoicesPerCountry.get(country) ?? 0;
    if (count >= cap) continue;
    invoicesPerCountry.set(country, count + 1);
    keptInvoices.add(invoice);
  }
  out.write(line + '\n');
  rows++;
}
out.end();
console.log(`wrote ${rows} rows, ${keptInvoices.size} invoices:`, Object.fromEntries(invoicesPerCountry));
