import { useQuery } from '@tanstack/react-query';
import { fetchTransactions } from '../api/transactions.api';

/**
 * SKU -> product name, from the store's own transaction lines (the only API answer that
 * carries names; mining results and global patterns carry SKUs). Only a store manager reads
 * transactions, so for other roles, or before it loads, SKUs show alone.
 */
export function useProductNames(storeId: string | null | undefined, enabled: boolean): Map<string, string> {
  const query = useQuery({
    queryKey: ['product-names', storeId],
    enabled: enabled && !!storeId,
    staleTime: 10 * 60_000,
    queryFn: async () => {
      const names = new Map<string, string>();
      for (let offset = 0; offset < 5000; offset += 1000) {
        const page = await fetchTransactions({ storeId: storeId!, limit: 1000, offset });
        for (const transaction of page.transactions) for (const line of transaction.lines) if (line.name && !names.has(line.sku)) names.set(line.sku, line.name);
        if (offset + page.transactions.length >= page.total || page.transactions.length === 0) break;
      }
      return names;
    },
  });
  return query.data ?? EMPTY;
}
const EMPTY = new Map<string, string>();

export function itemLabel(sku: string, names: Map<string, string>): string {
  const name = names.get(sku);
  return name ? `${name.trim()} (${sku})` : sku;
}
