import SQLKit

struct CreateSignInFailures: Migration {
    let name = "0007_CreateSignInFailures"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE sign_in_failures (
                    \(engine.dialect.identityPrimaryKey),
                    email TEXT NOT NULL,
                    client TEXT NOT NULL,
                    failed_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, failed_at)",
                "CREATE INDEX sign_in_failures_client_idx ON sign_in_failures (client, failed_at)",
            ], on: db)
    }
}
