/**
 * pglite-socket (0.2.x) queues each connection's protocol messages on PGlite's single
 * session one message at a time, keeping only transactions together. Outside a transaction
 * two connections' extended-protocol exchanges (Parse, Bind, Describe, Execute … Sync) can
 * interleave, and one connection's Parse replaces the other's unnamed statement between its
 * Parse and Bind: "unnamed prepared statement does not exist". This keeps each exchange
 * together: once a connection has sent an extended-protocol message, only its messages are
 * processed until its Sync (or until it disconnects).
 */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = 'S'.charCodeAt(0);

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: { isInTransaction(): boolean; runExclusive<T>(fn: () => Promise<T>): Promise<T>; execProtocolRawStream(message: Uint8Array, options: { onRawData(data: Uint8Array): void }): Promise<unknown> };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Replaces the server's queue scheduling in place (the server object of `new PGLiteSocketServer`). */
export function keepExtendedProtocolExchangesTogether(server: unknown): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== 'function') throw new Error('pglite-socket changed: its query queue is not where it was; review libs/db/src/pglite-exchange-queue.ts');
  let openExchange: number | null = null;

  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = this.db.isInTransaction() && this.lastHandlerId !== null ? this.lastHandlerId : openExchange;
        let item: QueuedMessage | undefined;
        if (owner !== null) {
          const index = this.queue.findIndex((queued) => queued.handlerId === owner);
          if (index === -1) break; // its next message comes with the next enqueue, which restarts this loop
          item = this.queue.splice(index, 1)[0];
        } else item = this.queue.shift()!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(item!.message, { onRawData: (data) => ((bytes += data.length), item!.onData(data)) }));
        } catch (error) {
          item.reject(error);
          continue;
        }
        const type = item.message[0];
        if (EXTENDED.has(type)) openExchange = item.handlerId;
        else if (type === SYNC && openExchange === item.handlerId) openExchange = null;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (openExchange === handlerId) {
      openExchange = null;
      void queue.processQueue();
    }
  };
}
