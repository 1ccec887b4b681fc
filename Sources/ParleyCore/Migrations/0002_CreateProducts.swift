import SQLKit

struct CreateProducts: Migration {
    let name = "0002_CreateProducts"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE products (
                    \(engine.dialect.identityPrimaryKey),
                    name TEXT NOT NULL,
                    vendor_id BIGINT NOT NULL REFERENCES users (id),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX products_vendor_id_idx ON products (vendor_id)",
                "CREATE INDEX products_name_idx ON products (name)",
            ], on: db)
    }
}
