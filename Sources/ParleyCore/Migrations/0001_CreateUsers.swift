import SQLKit

struct CreateUsers: Migration {
    let name = "0001_CreateUsers"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE users (
                    \(engine.dialect.identityPrimaryKey),
                    name TEXT NOT NULL,
                    email TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('customer', 'vendor', 'admin')),
                    password_hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                // Emails compare without case; the expression index enforces it and serves sign-in look-ups.
                "CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))",
                "CREATE INDEX users_name_idx ON users (name)",
            ], on: db)
    }
}
