import assert from 'node:assert/strict';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Many connections at once on the embedded PGlite, as the all-in-one process has them:
 * transactions next to parameterized queries of different shapes. Without the exchange
 * queue (PGLITE_SOCKET_RAW=true) this workload stalls or fails.
 */
describe('embedded PGlite behind pglite-socket', () => {
  it('serves concurrent transactions and extended-protocol queries of different connections', async () => {
    const embedded = await startEmbeddedPostgres({});
    const pool = new Pool({ connectionString: embedded.url, max: 10 });
    try {
      await pool.query('CREATE TABLE exchange_test (id serial PRIMARY KEY, v int NOT NULL, w text NOT NULL)');
      const failures: string[] = [];
      await Promise.all(
        Array.from({ length: 10 }, async (_, worker) => {
          for (let i = 0; i < 80; i++) {
            try {
              if (worker % 2 === 0) {
                const client = await pool.connect();
                try {
                  await client.query('BEGIN');
                  await client.query('INSERT INTO exchange_test (v, w) VALUES ($1, $2)', [i, `w${worker}`]);
                  await client.query(`SELECT count(*) FROM exchange_test WHERE v > $1 AND w <> $2 AND id > ${worker}`, [i, 'none']);
                  await client.query('COMMIT');
                } finally {
                  client.release();
                }
              } else {
                // A statement of its own per worker (its text and parameter count), so a Bind on another's statement shows.
                const parameters = Array.from({ length: worker }, (_, k) => k + i);
                const { rows } = await pool.query(`SELECT ${parameters.map((_, k) => `$${k + 1}::int`).join(' + ')} AS sum`, parameters);
                if (rows[0].sum !== parameters.reduce((a, b) => a + b, 0)) failures.push(`wrong answer for ${worker}/${i}`);
              }
            } catch (error) {
              failures.push((error as Error).message);
            }
          }
        }),
      );
      assert.deepEqual([...new Set(failures)], []);
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM exchange_test');
      assert.equal(rows[0].n, 5 * 80);
    } finally {
      await pool.end();
      await embedded.stop();
    }
  }, 60_000);
});
