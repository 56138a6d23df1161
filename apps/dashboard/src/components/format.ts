// Numbers and times for people: the user's locale and time zone (Intl), one place.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const money = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'GBP', maximumFractionDigits: 2 });

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
/** A time of day with seconds, for live event logs. */
export const formatClock = (value: number) => clock.format(new Date(value));

export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

export const formatNumber = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? '—' : number.format(value));
/** The demo data is in pounds; the API reports utility in currency units without naming one. */
export const formatMoney = (value: number | null | undefined) => (value === null || value === undefined ? '—' : money.format(value));
export const formatPercent = (fraction: number | null | undefined) => (fraction === null || fraction === undefined ? '—' : `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`);

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
