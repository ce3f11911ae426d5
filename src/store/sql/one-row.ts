import { sql } from 'kysely';

/**
 * `limit 1` written into the statement rather than bound. SQLite re-plans a statement whose LIMIT is a parameter as
 * if any count could come: finding a recipient's newest pending panel update took 14.5 µs with `limit ?` and 5.0 µs
 * with `limit 1` (one prepared statement run 20,000 times on a bench database). PostgreSQL does not care either way.
 */
export const ONE_ROW = sql.lit(1);
