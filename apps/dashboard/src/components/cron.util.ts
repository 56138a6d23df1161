// Cron expressions are in UTC (the scheduler's rule); people read times in their own zone.
// This names the common shapes in words and leaves the rest as written: the next run, which
// the API computes, is what the views show as a time.

const pad = (value: number) => String(value).padStart(2, '0');

/** "every day at 03:00 (02:00 UTC)" for "0 2 * * *"; undefined when the shape is not a common one. */
export function describeCron(cron: string, now = new Date()): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, day, month, weekday] = fields;
  if (/^\*\/\d+$/.test(minute) && hour === '*' && day === '*' && month === '*' && weekday === '*') return `every ${minute.slice(2)} minutes`;
  if (/^\d+$/.test(minute) && hour === '*' && day === '*' && month === '*' && weekday === '*') return `every hour at minute ${Number(minute)}`;
  if (!/^\d+$/.test(minute) || !/^\d+$/.test(hour) || month !== '*') return undefined;
  const utc = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(hour), Number(minute)));
  const local = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(utc);
  const at = `at ${local} your time (${pad(Number(hour))}:${pad(Number(minute))} UTC)`;
  if (day === '*' && weekday === '*') return `every day ${at}`;
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  if (day === '*' && /^[0-6]$/.test(weekday)) return `every ${days[Number(weekday)]} ${at}`;
  if (/^\d+$/.test(day) && weekday === '*') return `on day ${Number(day)} of every month ${at}`;
  return undefined;
}
