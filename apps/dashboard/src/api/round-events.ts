import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { authorizedFetch } from './http-client';
import type { Round } from './federation.api';

/**
 * GET /api/federated/rounds/events is a server-sent event stream that needs the bearer
 * token, which EventSource cannot send; so read it with fetch and a stream reader. Each
 * `round` event refreshes the round queries; the views also poll while a round runs, so a
 * dropped stream only slows updates down.
 */
export function useRoundEvents(enabled = true, onEvent?: (round: Round, message: string) => void) {
  const queries = useQueryClient();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const response = await authorizedFetch('/api/federated/rounds/events', { signal: abort.signal, headers: { Accept: 'text/event-stream' } });
        if (!response.ok || !response.body) throw new Error(String(response.status));
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            if (/^event: round$/m.test(block)) {
              const data = /^data: (.*)$/m.exec(block)?.[1];
              let id: string | undefined;
              try {
                const event = data ? (JSON.parse(data) as { round?: Round; message?: string }) : {};
                id = event.round?.id;
                if (event.round && id) {
                  queries.setQueryData(['round', id], event.round);
                  handler.current?.(event.round, event.message ?? '');
                }
              } catch {
                /* refresh everything below */
              }
              void queries.invalidateQueries({ queryKey: ['rounds'] });
              if (!id) void queries.invalidateQueries({ queryKey: ['round'] });
              void queries.invalidateQueries({ queryKey: ['global-patterns'] });
            }
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (!abort.signal.aborted) retry = setTimeout(() => void connect(), 5_000);
    };
    void connect();
    return () => {
      abort.abort();
      clearTimeout(retry);
    };
  }, [enabled, queries]);
}
