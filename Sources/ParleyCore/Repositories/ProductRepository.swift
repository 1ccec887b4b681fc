import Foundation
import SQLKit

/// Reads and writes `products`.
public struct ProductRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func find(id: Int64) async throws -> Product? {
        try await db.raw("SELECT \(unsafeRaw: Product.columns) FROM products WHERE id = \(bind: id)")
            .first().map(Product.init(row:))
    }

    public func insert(name: String, vendorID: Int64, at now: Date) async throws -> Product {
        let stamp = now.epochMilliseconds
        let row = try await db.raw(
            """
            INSERT INTO products (name, name_key, vendor_id, created_at, updated_at)
            VALUES (\(bind: name), \(bind: SearchKey.fold(name)), \(bind: vendorID), \(bind: stamp), \(bind: stamp))
            RETURNING \(unsafeRaw: Product.columns)
            """
        ).first()
        guard let row else { throw DatabaseUnavailable(description: "INSERT … RETURNING gave no row") }
        return try Product(row: row)
    }

    func update(id: Int64, name: String, vendorID: Int64, at now: Date) async throws -> Product? {
        try await db.raw(
            """
            UPDATE products SET name = \(bind: name), name_key = \(bind: SearchKey.fold(name)),
                vendor_id = \(bind: vendorID),
                updated_at = \(bind: now.epochMilliseconds)
            WHERE id = \(bind: id)
            RETURNING \(unsafeRaw: Product.columns)
            """
        ).first().map(Product.init(row:))
    }
}
