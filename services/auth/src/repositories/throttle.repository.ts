import type { ThrottleState } from '../access/lockout.util';
import type { AuthTables, Db } from './db';

/** Failed sign-ins per email; read under a row lock so concurrent attempts count exactly. */
export class ThrottleRepository {
  constructor(
    private readonly db: Db,
    private readonly t: AuthTables,
  ) {}

  async peek(email: string): Promise<ThrottleState> {
    const rows: { failures: number; locked_until: Date | null; last_failure_at: Date | null }[] = await this.db.query(
      `SELECT failures, locked_until, last_failure_at FROM ${this.t.login_throttle} WHERE email = $1`,
      [email],
    );
    return rows[0] ? { failures: rows[0].failures, lockedUntil: rows[0].locked_until, lastFailureAt: rows[0].last_failure_at } : { failures: 0, lockedUntil: null, lastFailureAt: null };
  }

  /** Must run inside a transaction: the row stays locked until it commits. */
  async lock(email: string): Promise<ThrottleState> {
    await this.db.query(`INSERT INTO ${this.t.login_throttle} (email) VALUES ($1) ON CONFLICT (email) DO NOTHING`, [email]);
    const rows: { failures: number; locked_until: Date | null; last_failure_at: Date | null }[] = await this.db.query(
      `SELECT failures, locked_until, last_failure_at FROM ${this.t.login_throttle} WHERE email = $1 FOR UPDATE`,
      [email],
    );
    return { failures: rows[0].failures, lockedUntil: rows[0].locked_until, lastFailureAt: rows[0].last_failure_at };
  }

  async save(email: string, state: ThrottleState): Promise<void> {
    if (state.failures === 0) {
      await this.db.query(`DELETE FROM ${this.t.login_throttle} WHERE email = $1`, [email]);
      return;
    }
    await this.db.query(`UPDATE ${this.t.login_throttle} SET failures = $2, locked_until = $3, last_failure_at = $4 WHERE email = $1`, [email, state.failures, state.lockedUntil, state.lastFailureAt]);
  }
}
