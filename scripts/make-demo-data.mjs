#!/usr/bin/env node
// Regenerates demo/online-retail-demo.csv.gz: an excerpt of the UCI Online Retail data
// (Chen, Sain & Guo 2012; CC BY 4.0) from ../shared/datasets/OnlineRetail.csv.
// Every invoice (cancellations included, which ingestion rejects with a reason) of six
// countries, the United Kingdom cut to its first 800 invoices; then the invoices are dealt
// round-robin, in file (date) order, into six demo stores named after cities, written in
// the last (Country) column, which `npm start` splits the file by.
// Why not one store per country: the countries are very uneven (the UK has most invoices),
// so with k-anonymity (an itemset is published only when at least 5 stores propose it) a
// per-country round publishes about one pattern. Balanced stores see the same catalogue,
// propose overlapping itemsets, and the demo round publishes dozens (see README).
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGzip } from 'node:zlib';
import { resolve } from 'node:path';

const source = resolve(process.argv[2] ?? new URL('../../shared/datasets/OnlineRetail.csv', import.meta.url).pathname);
const target = new URL('../demo/online-retail-demo.csv.gz', import.meta.url).pathname;
const countries = new Map([['United Kingdom', 800], ['Germany', Infinity], ['France', Infinity], ['EIRE', Infinity], ['Spain', Infinity], ['Netherlands', Infinity]]);
const DEMO_STORES = ['London', 'Manchester', 'Dublin', 'Paris', 'Berlin', 'Madrid'];
const invoicesPerCountry = new Map();
const storeOfInvoice = new Map();
const rowsPerStore = new Map();
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
  const cut = line.lastIndexOf(',');
  const country = line.slice(cut + 1);
  const cap = countries.get(country);
  if (cap === undefined) continue;
  if (!storeOfInvoice.has(invoice)) {
    const count = invoicesPerCountry.get(country) ?? 0;
    if (count >= cap) continue;
    invoicesPerCountry.set(country, count + 1);
    storeOfInvoice.set(invoice, DEMO_STORES[storeOfInvoice.size % DEMO_STORES.length]);
  }
  const store = storeOfInvoice.get(invoice);
  out.write(line.slice(0, cut + 1) + store + '\n');
  rowsPerStore.set(store, (rowsPerStore.get(store) ?? 0) + 1);
  rows++;
}
out.end();
console.log(`wrote ${rows} rows, ${storeOfInvoice.size} invoices; from`, Object.fromEntries(invoicesPerCountry), 'rows per store', Object.fromEntries(rowsPerStore));
