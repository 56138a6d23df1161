import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { fetchFederatedStores, fetchGlobalPatterns, fetchRounds, startRound, type StartRound } from '../api/federation.api';
import { sigmaAt } from '../components/accuracy.util';
import { formatMoney, formatNumber } from '../components/format';
import { ErrorNotice, Notice } from '../components/status-notice';

/** Start a round; next to epsilon, the accuracy it should buy (scaled from the last completed round's noise). */
export function StartRoundPage() {
  const navigate = useNavigate();
  const nodes = useQuery({ queryKey: ['federated-stores'], queryFn: fetchFederatedStores, refetchInterval: 5_000 });
  const rounds = useQuery({ queryKey: ['rounds'], queryFn: () => fetchRounds(50, 0) });
  const reference = rounds.data?.rounds.find((r) => r.status === 'completed' && r.noise && r.noise.utilitySigma > 0);
  const referencePatterns = useQuery({ queryKey: ['global-patterns', reference?.id, 'median'], enabled: !!reference, queryFn: () => fetchGlobalPatterns(reference!.id, 100, 0) });
  const connected = nodes.data?.stores.filter((s) => s.connected).map((s) => s.storeId) ?? [];
  const [selected, setSelected] = useState<string[] | null>(null);
  const chosen = selected ?? connected;
  const [form, setForm] = useState({ epsilon: '1', minClients: '', kThreshold: '', maxPatternLength: '2', topM: '1000', roundTimeout: '120', minUtilityFraction: '0' });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const start = useMutation({ mutationFn: (body: StartRound) => startRound(body), onSuccess: (round) => navigate(`/rounds/${round.id}`) });
  const epsilon = Number(form.epsilon);
  const minClients = form.minClients ? Number(form.minClients) : Math.max(2, Math.ceil(chosen.length * 0.7));
  const sigma = reference && epsilon > 0 ? sigmaAt(epsilon, { epsilon: reference.config.privacyBudget, sigma: reference.noise!.utilitySigma }) : undefined;
  const utilities = (referencePatterns.data?.patterns ?? []).map((p) => p.aggregatedUtility).sort((a, b) => a - b);
  const median = utilities.length ? utilities[Math.floor(utilities.length / 2)] : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate({
      privacyBudget: epsilon,
      minClients,
      kThreshold: form.kThreshold ? Number(form.kThreshold) : undefined,
      maxPatternLength: Number(form.maxPatternLength),
      topM: Number(form.topM),
      roundTimeout: Number(form.roundTimeout),
      minUtilityFraction: Number(form.minUtilityFraction),
      storeIds: chosen,
    });
  };
  return (
    <>
      <h1>Start a round</h1>
      <form onSubmit={submit} aria-label="Round parameters">
        <fieldset>
          <legend>Stores to invite ({chosen.length} of {connected.length} connected)</legend>
          {connected.length === 0 && <p className="muted">No store node is connected.</p>}
          {connected.map((id) => (
            <label key={id} className="inline">
              <input type="checkbox" checked={chosen.includes(id)} onChange={(e) => setSelected(e.target.checked ? [...chosen, id] : chosen.filter((s) => s !== id))} /> {id}
            </label>
          ))}
        </fieldset>
        <div className="form-row">
          <div>
            <label htmlFor="epsilon">ε per store</label>
            <input id="epsilon" type="number" min={0.01} max={20} step="any" required value={form.epsilon} onChange={set('epsilon')} aria-describedby="accuracy" />
          </div>
          <div id="accuracy" className="accuracy" aria-live="polite">
            {sigma !== undefined ? (
              <>
                Expected accuracy: each utility ± {formatMoney(1.96 * sigma)} (95%)
                {median ? `, about ${Math.round((196 * sigma) / median)}% of the median pattern's utility` : ''}. Scaled from round {reference!.id.slice(0, 8)} (ε {reference!.config.privacyBudget}, σ {formatNumber(reference!.noise!.utilitySigma)}).
              </>
            ) : (
              'No completed round to scale the expected accuracy from yet; halving ε roughly doubles the noise.'
            )}
          </div>
        </div>
        <div className="form-row">
          <div>
            <label htmlFor="min-clients">Fewest stores</label>
            <input id="min-clients" type="number" min={2} placeholder={String(minClients)} value={form.minClients} onChange={set('minClients')} />
          </div>
          <div>
            <label htmlFor="k">k-anonymity (stores per itemset)</label>
            <input id="k" type="number" min={2} placeholder={String(Math.min(5, minClients))} value={form.kThreshold} onChange={set('kThreshold')} />
          </div>
          <div>
            <label htmlFor="max-length">Longest itemset</label>
            <input id="max-length" type="number" min={1} max={20} value={form.maxPatternLength} onChange={set('maxPatternLength')} />
          </div>
          <div>
            <label htmlFor="top-m">Proposals per store</label>
            <input id="top-m" type="number" min={1} max={10000} value={form.topM} onChange={set('topM')} />
          </div>
          <div>
            <label htmlFor="timeout">Stage timeout (s)</label>
            <input id="timeout" type="number" min={1} max={3600} value={form.roundTimeout} onChange={set('roundTimeout')} />
          </div>
          <div>
            <label htmlFor="min-fraction">Least utility share</label>
            <input id="min-fraction" type="number" min={0} max={0.5} step="any" value={form.minUtilityFraction} onChange={set('minUtilityFraction')} />
          </div>
        </div>
        <Notice>Each store checks its own remaining budget and may decline; declines are shown in the round.</Notice>
        <button type="submit" className="primary" disabled={start.isPending || chosen.length < 2}>
          Start the round
        </button>
      </form>
      <ErrorNotice error={start.error} what="the round" />
    </>
  );
}
