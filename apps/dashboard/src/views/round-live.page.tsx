import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { fetchRound, isActive, type Participant } from '../api/federation.api';
import { useRoundEvents } from '../api/round-events';
import { DataTable } from '../components/data-table';
import { formatClock, formatDuration, formatNumber, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';

const STAGES = ['pending', 'proposing', 'key_setup', 'measuring', 'unmasking', 'completed'];

/** One round live: its stage, each store's state and reason, elapsed time and outcome. */
export function RoundLivePage() {
  const { roundId = '' } = useParams();
  const [log, setLog] = useState<{ at: number; text: string }[]>([]);
  useRoundEvents(true, (round, message) => {
    if (round.id === roundId) setLog((lines) => [{ at: Date.now(), text: message || round.status }, ...lines].slice(0, 50));
  });
  const round = useQuery({ queryKey: ['round', roundId], queryFn: () => fetchRound(roundId), refetchInterval: (q) => (!q.state.data || isActive(q.state.data) ? 2000 : false) });
  const [now, setNow] = useState(Date.now());
  const r = round.data;
  const active = isActive(r);
  useEffect(() => {
    if (!active) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [active]);
  const count = (state: string) => r?.participants.filter((p) => p.state === state).length ?? 0;
  return (
    <>
      <h1>Round {roundId.slice(0, 8)}</h1>
      <ErrorNotice error={round.error} what="the round" />
      {round.isLoading && <Loading what="the round" />}
      {r && (
        <>
          <ol className="stages" aria-label="Stages">
            {STAGES.map((stage) => {
              const at = STAGES.indexOf(r.status === 'failed' ? 'pending' : r.status);
              const index = STAGES.indexOf(stage);
              return (
                <li key={stage} className={index < at || r.status === 'completed' ? 'done' : index === at ? 'current' : ''} aria-current={index === at ? 'step' : undefined}>
                  {stage.replace('_', ' ')}
                </li>
              );
            })}
          </ol>
          <p aria-live="polite">
            Status: <strong data-testid="round-status">{r.status.replace('_', ' ')}</strong>
            {r.failureReason ? ` — ${r.failureReason}` : ''}. Elapsed {formatDuration((r.completedAt ? new Date(r.completedAt).getTime() : active ? now : new Date(r.updatedAt).getTime()) - new Date(r.createdAt).getTime())}.
          </p>
          <div className="cards">
            <section className="card"><h2>Not answered yet</h2><p className="big">{count('invited')}</p></section>
            <section className="card"><h2>Joined</h2><p className="big">{count('joined') + count('proposed') + count('contributed')}</p></section>
            <section className="card"><h2>Declined</h2><p className="big">{count('declined')}</p></section>
            <section className="card"><h2>Dropped</h2><p className="big">{count('dropped')}</p></section>
            <section className="card"><h2>Candidates</h2><p className="big">{formatNumber(r.candidateCount)}</p></section>
            <section className="card"><h2>Global patterns</h2><p className="big" data-testid="round-patterns">{formatNumber(r.patternCount)}</p>{r.status === 'completed' && <Link to={`/patterns?round=${r.id}`}>see them</Link>}</section>
          </div>
          <DataTable<Participant>
            caption="Stores invited"
            columns={[
              { key: 'store', header: 'Store', cell: (p) => p.storeId },
              { key: 'state', header: 'State', cell: (p) => <span className={`status status-${p.state}`}>{p.state}</span> },
              { key: 'reason', header: 'Why', cell: (p) => p.reason ?? '—' },
            ]}
            rows={r.participants}
            rowKey={(p) => p.storeId}
            empty="No store has answered yet."
          />
          <h2>Parameters</h2>
          <dl className="params">
            <dt>ε per store</dt><dd>{r.config.privacyBudget} (δ {r.config.delta})</dd>
            <dt>Fewest stores</dt><dd>{r.config.minClients}</dd>
            <dt>k-anonymity</dt><dd>{r.config.kThreshold}</dd>
            <dt>Longest itemset</dt><dd>{r.config.maxPatternLength}</dd>
            <dt>Proposals per store</dt><dd>{r.config.topM}</dd>
            <dt>Stage timeout</dt><dd>{r.config.roundTimeout} s</dd>
            {r.noise && r.noise.utilitySigma > 0 && (<><dt>Noise (σ utility, σ support)</dt><dd>{formatNumber(r.noise.utilitySigma)}, {formatNumber(r.noise.supportSigma)}</dd></>)}
            <dt>Started</dt><dd>{formatTime(r.createdAt)}</dd>
          </dl>
          {log.length > 0 && (
            <>
              <h2>Live events</h2>
              <ul className="log" aria-live="polite">
                {log.map((line, i) => (
                  <li key={i}>{formatClock(line.at)} {line.text}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </>
  );
}
