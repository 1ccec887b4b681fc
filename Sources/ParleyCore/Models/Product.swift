import Foundation
import SQLKit

/// Something a vendor sells; every conversation is about one product.
public struct Product: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var name: String
    public var vendorID: Int64
    public var createdAt: Date
    public var updatedAt: Date

    static let columns = "id, name, vendor_id, created_at, updated_at"

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        name = try row.string("name")
        vendorID = try row.int64("vendor_id")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }
}
