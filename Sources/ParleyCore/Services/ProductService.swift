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
            let product = try await ProductRepository(db).insert(name: name, vendorID: vendorID, at: now)
            try await AuditLogRepository(db).appendAction(
                .productCreated, target: .product, ids: [product.id], summary: "vendor #\(vendorID)", at: now)
            return product
        }
    }

    public func updateProduct(id: Int64, name: String, vendorID: Int64) async throws -> Product {
        let name = try Self.validatedName(name)
        let now = clock()
        return try await database.write { db in
            guard try await UserRepository(db).find(id: vendorID) != nil else {
                throw CatalogError.vendorNotFound(id: vendorID)
            }
            let products = ProductRepository(db)
            guard let previous = try await products.find(id: id),
                let product = try await products.update(id: id, name: name, vendorID: vendorID, at: now)
            else { throw CatalogError.productNotFound(id: id) }
            try await AuditLogRepository(db).appendAction(
                .productEdited, target: .product, ids: [id],
                summary: AuditSummary.changes([
                    (label: "name", old: previous.name, new: product.name),
                    (label: "vendor", old: "#\(previous.vendorID)", new: "#\(product.vendorID)"),
                ]), at: now)
            return product
        }
    }

    static func validatedName(_ name: String) throws -> String {
        if let problem = problems(name: name).first { throw problem }
        return name.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What is wrong with a product's name, for forms that show every error at once.
    public static func problems(name: String) -> [CatalogError] {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [.nameRequired] }
        if trimmed.count > maximumNameLength { return [.nameTooLong(limit: maximumNameLength)] }
        return []
    }
}
