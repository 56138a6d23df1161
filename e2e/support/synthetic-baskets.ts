/** Seeded, so the data (and the rounds built on it) are the same every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 26 weeks (from 2011-01-03) of one store's baskets as a line-item CSV: a mug bought with its
 * coaster (the bundle), other items at random, and a jar whose price moves weekly with demand
 * answering at an elasticity of -2.5 (a price hint). With `erasedCustomer`, store 1's first
 * basket every 20th day carries that customer id (for erasure tests); other rows have none.
 */
export function syntheticStoreFile(storeIndex: number, options: { seed: number; erasedCustomer?: string }): string {
  const next = random(options.seed + storeIndex);
  const rows = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  let invoice = 0;
  for (let day = 0; day < 182; day++) {
    const date = new Date(Date.UTC(2011, 0, 3 + day)).toISOString().slice(0, 10);
    const week = Math.floor(day / 7);
    const price = 4 * (1 + 0.2 * Math.sin(week * 1.7));
    for (let basket = 0; basket < 8; basket++) {
      invoice++;
      const id = `${storeIndex}${String(invoice).padStart(6, '0')}`;
      const at = `${date} ${String(9 + basket).padStart(2, '0')}:00:00`;
      const customer = options.erasedCustomer && storeIndex === 1 && basket === 0 && day % 20 === 0 ? options.erasedCustomer : '';
      const line = (sku: string, name: string, quantity: number, unit: number) => rows.push(`${id},${sku},${name},${quantity},${at},${unit.toFixed(2)},${customer},Store${storeIndex}`);
      if (next() < 0.55) {
        line('MUG1', 'RED MUG', 1 + Math.floor(next() * 3), 6.5);
        if (next() < 0.8) line('COASTER1', 'RED COASTER', 1 + Math.floor(next() * 2), 3.25);
      }
      if (next() < 0.4) line('TEA1', 'TEA TOWEL', 1, 2.95);
      if (next() < 0.3) line('CANDLE1', 'CANDLE', 2, 1.45);
      if (next() < 0.6) line('PRICED1', 'PRICED JAR', Math.max(1, Math.round(2 * (price / 4) ** -2.5 * (0.7 + 0.6 * next()))), price);
    }
  }
  return rows.join('\n') + '\n';
}
