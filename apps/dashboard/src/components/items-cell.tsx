/** An itemset as a list: product name with the SKU beside it when known. */
export function ItemsCell({ items, names }: { items: string[]; names: Map<string, string> }) {
  return (
    <ul className="items">
      {items.map((sku) => (
        <li key={sku}>
          {names.get(sku) ? (
            <>
              {names.get(sku)!.trim()} <span className="sku">{sku}</span>
            </>
          ) : (
            <code>{sku}</code>
          )}
        </li>
      ))}
    </ul>
  );
}
