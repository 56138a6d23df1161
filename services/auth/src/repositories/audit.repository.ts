import type { Actor, ActorType, AuditEntry, AuditFilter, AuditOutcome, AuditRecord, RequestContext, Role } from '../auth.model';
import type { AuthTables, Db } from './db';

interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  actor_email: string | null;
  actor_role: Role | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  store_id: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

function toRecord(row: AuditRow): AuditRecord {
  const actor: Actor = { type: row.actor_type, id: row.actor_id ?? '', email: row.actor_email ?? undefined, role: row.actor_role ?? undefined };
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    actor,
    action: row.action,
    targetType: row.target_type ?? undefined,
    targetId: row.target_id ?? undefined,
    storeId: row.store_id ?? undefined,
    outcome: row.outcome,
    reason: row.reason ?? undefined,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: row.details,
  };
}

/** The append-only audit log (the table refuses UPDATE, DELETE and TRUNCATE). */
export class AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly t: AuthTables,
  ) {}

  async insert(context: RequestContext, entry: AuditEntry): Promise<string> {
    const { actor } = context;
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO ${this.t.audit_events}
         (actor_type, actor_id, actor_email, actor_role, action, target_type, target_id, store_id, outcome, reason, ip, user_agent, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id::text`,
      [
        actor.type,
        actor.id || null,
        actor.email ?? null,
        actor.role ?? null,
        entry.action,
        entry.targetType ?? null,
        entry.targetId ?? null,
        entry.storeId ?? null,
        entry.outcome,
        entry.reason ?? null,
        context.ip ?? null,
        context.userAgent ?? null,
        context.requestId ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
    return rows[0].id;
  }

  async list(filter: AuditFilter): Promise<{ records: AuditRecord[]; total: number }> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql.replace('?', `$${parameters.length}`));
    };
    if (filter.action) add('action = ?', filter.action);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.storeId) add('store_id = ?', filter.storeId);
    if (filter.requestId) add('request_id = ?', filter.requestId);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.since) add('occurred_at >= ?', filter.since);
    if (filter.until) add('occurred_at <= ?', filter.until);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const count: { n: string }[] = await this.db.query(`SELECT count(*)::text AS n FROM ${this.t.audit_events} ${where}`, parameters);
    const rows: AuditRow[] = await this.db.query(
      `SELECT id::text, occurred_at, actor_type, actor_id, actor_email, actor_role, action, target_type, target_id, store_id, outcome, reason, ip, user_agent, request_id, details
       FROM ${this.t.audit_events} AS audit ${where} ORDER BY audit.id DESC LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, filter.limit, filter.offset],
    );
    return { records: rows.map(toRecord), total: Number(count[0].n) };
  }
}
