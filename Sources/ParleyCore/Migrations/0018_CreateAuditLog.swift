import SQLKit

/// The audit trail of what administrators did, and the mark of an erased account.
///
/// The application only ever inserts into `audit_log`; triggers refuse every UPDATE and DELETE
/// (and, on PostgreSQL, TRUNCATE), so a bug or a stray statement cannot rewrite history. There is
/// no foreign key to `users`: an entry keeps the actor's name and email as they were, and a failed
/// sign-in has no actor at all. `users.erased_at` is set when a user's personal data is erased.
struct CreateAuditLog: Migration {
    let name = "0018_CreateAuditLog"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE audit_log (
                    \(engine.dialect.identityPrimaryKey),
                    created_at BIGINT NOT NULL,
                    actor_id BIGINT,
                    actor_name TEXT NOT NULL,
                    actor_email TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target_type TEXT NOT NULL,
                    target_ids TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    client_address TEXT NOT NULL
                )
                """,
                // The page lists newest first, alone or filtered by administrator or by action.
                "CREATE INDEX audit_log_created_idx ON audit_log (created_at, id)",
                "CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at, id)",
                "CREATE INDEX audit_log_action_idx ON audit_log (action, created_at, id)",
                "ALTER TABLE users ADD COLUMN erased_at BIGINT",
            ] + Self.appendOnly(engine), on: db)
    }

    static func appendOnly(_ engine: DatabaseEngine) -> [String] {
        switch engine {
        case .sqlite:
            ["UPDATE", "DELETE"].map { verb in
                """
                CREATE TRIGGER audit_log_no_\(verb.lowercased()) BEFORE \(verb) ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
                """
            }
        case .postgres:
            [
                """
                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_log is append-only';
                END
                $$
                """,
                """
                CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
                """,
                """
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
                """,
            ]
        }
    }
}
