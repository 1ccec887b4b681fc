import Foundation
import ParleyCore

/// The Products list: one page of products with their vendors, narrowed by a search.
struct ProductIndexModel {
    static let perPage = 25

    struct Row {
        let id: Int64
        let name: String
        let vendorName: String
        let createdAt: TimeModel
        let editURL: String
        let sessionsURL: String
    }

    let layout: LayoutModel
    let search: String
    let rows: [Row]
    let hasRows: Bool
    let previousURL: String?
    let nextURL: String?

    init(
        layout: LayoutModel, search: String, page: Int, result: DirectoryListing.Page<DirectoryListing.ProductRow>,
        now: Date
    ) {
        self.layout = layout
        self.search = search
        rows = result.rows.map { row in
            Row(
                id: row.product.id, name: row.product.name, vendorName: row.vendorName,
                createdAt: TimeModel(row.product.createdAt, now: now), editURL: AdminPath.editProduct(row.product.id),
                sessionsURL: ChatSessionListQuery().with { $0.productID = row.product.id }.url())
        }
        hasRows = !rows.isEmpty
        previousURL = page > 1 ? AdminPath.directory(AdminPath.products, search: search, page: page - 1) : nil
        nextURL = result.hasMore ? AdminPath.directory(AdminPath.products, search: search, page: page + 1) : nil
    }
}
