import Foundation
import SQLKit

/// Creates and edits products, the things conversations are about.
public struct ProductService: Sendable {
    public static let maximumNameLength = 200

    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    public func createProduct(name: String, vendorID: Int64) async throws -> Product {
        let name = try Self.validatedName(name)
        let now = clock()
        return try await database.write { db in
            guard try await UserRepository(db).find(id: vendorID) != nil else {
                throw CatalogError.vendorNotFound(id: vendorID)
            }
            return try await ProductRepository(db).insert(name: name, vendorID: vendorID, at: now)
        }
    }

    public func updateProduct(id: Int64, name: String, vendorID: Int64) async throws -> Product {
        let name = try Self.validatedName(name)
        let now = clock()
        return try await database.write { db in
            guard try await UserRepository(db).find(id: vendorID) != nil else {
                throw CatalogError.vendorNotFound(id: vendorID)
            }
            guard let product = try await ProductRepository(db).update(id: id, name: name, vendorID: vendorID, at: now)
            else { throw CatalogError.productNotFound(id: id) }
            return product
        }
    }

    static func validatedName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CatalogError.nameRequired }
        guard trimmed.count <= maximumNameLength else { throw CatalogError.nameTooLong(limit: maximumNameLength) }
        return trimmed
    }
}
