import Foundation
import ParleyCore

/// Everything the chat session list shows, computed before rendering.
struct ChatSessionIndexModel {
    struct Column {
        let key: String
        let label: String
        let sortURL: String?
        let ariaSort: String?
        let arrow: String?
        let hiddenByDefault: Bool
        // Mustache reads stored properties only, so derived flags are stored too.
        let visibleByDefault: Bool

        init(key: String, label: String, sortURL: String?, ariaSort: String?, arrow: String?, hiddenByDefault: Bool) {
            self.key = key
            self.label = label
            self.sortURL = sortURL
            self.ariaSort = ariaSort
            self.arrow = arrow
            self.hiddenByDefault = hiddenByDefault
            visibleByDefault = !hiddenByDefault
        }
    }

    struct Row {
        let id: Int64
        let productName: String
        let productShort: String
        let customerName: String
        let vendorName: String
        let messagesCount: Int64
        let unreadCount: Int64
        let unreadClass: String
        let lastMessage: TimeModel?
        let createdAt: TimeModel
        let updatedAt: TimeModel
        let conversationURL: String
        let manageURL: String
        let editURL: String
        let deleteURL: String
    }

    struct Chip {
        let label: String
        let removeURL: String
    }

    struct PageLink {
        let number: Int
        let url: String?
        let isCurrent: Bool
    }

    struct Option {
        let value: Int
        let isSelected: Bool
    }

    struct Field {
        let name: String
        let value: String
    }

    /// A searchable dropdown; see chat_sessions/combobox.mustache.
    struct Combobox {
        let name: String
        let inputID: String
        let label: String
        let placeholder: String
        let lookupURL: String
        let selectedID: String
        let selectedLabel: String
        let isRequired: Bool
        let error: String?
        /// The name under which the visible text is submitted too, so a name typed without
        /// picking from the list still reaches the server; nil in forms, which need a pick.
        let textName: String?
    }

    /// A page number beyond the last page: what to say and where the last page is.
    struct PastEnd {
        let message: String
        let lastPageURL: String
        let lastPageLabel: String
    }

    let layout: LayoutModel
    let search: String
    let sort: String
    let direction: String
    let perPage: Int
    let hasUnread: Bool
    let recentActivity: Bool
    let filtersOpen: Bool
    let activeFilterCount: Int?
    let customerFilter: Combobox
    let vendorFilter: Combobox
    let productFilter: Combobox
    let columns: [Column]
    let toggleableColumns: [Column]
    /// The rows as HTML; see ChatSessionIndex+Rows.swift.
    let rowsHTML: String
    let chips: [Chip]
    let resetURL: String
    let currentURL: String
    let isEmptyDatabase: Bool
    let hasNoMatches: Bool
    let pastEnd: PastEnd?
    let summary: String
    let previousURL: String?
    let nextURL: String?
    let pageLinks: [PageLink]
    let perPageOptions: [Option]
    let preservedFields: [Field]
    let exportCSVURL: String
    let exportXLSXURL: String

    let hasRows: Bool
    let hasChips: Bool

    /// Names of the people and product that filters point at, for labels and chips.
    struct FilterNames {
        var customer: String?
        var vendor: String?
        var product: String?
    }

    init(
        layout: LayoutModel, query: ChatSessionListQuery, page: ChatSessionPage, filters: ChatSessionFilters, now: Date
    ) {
        let names = filters.names
        self.layout = layout
        search = query.search
        sort = query.sort.rawValue
        direction = query.direction.rawValue
        perPage = query.perPage
        hasUnread = query.hasUnread
        recentActivity = query.recentActivity
        let filterCount =
            [
                query.customerID != nil, query.vendorID != nil, query.productID != nil, query.hasUnread,
                query.recentActivity,
            ].filter { $0 }.count
        activeFilterCount = filterCount == 0 ? nil : filterCount
        filtersOpen = filters.hasErrors
        func filter(_ field: String, label: String, lookup: String, id: Int64?, name: String?) -> Combobox {
            Combobox(
                name: field, inputID: "filter-" + field, label: label, placeholder: "Any " + field,
                lookupURL: lookup, selectedID: id.map(String.init) ?? "",
                selectedLabel: filters.typed[field] ?? name ?? "", isRequired: false, error: filters.errors[field],
                textName: field + "_name")
        }
        customerFilter = filter(
            "customer", label: "Customer", lookup: AdminPath.userLookup + "?role=customer", id: query.customerID,
            name: names.customer)
        vendorFilter = filter(
            "vendor", label: "Vendor", lookup: AdminPath.userLookup + "?role=vendor", id: query.vendorID,
            name: names.vendor)
        productFilter = filter(
            "product", label: "Product", lookup: AdminPath.productLookup, id: query.productID, name: names.product)

        let first = query.with { $0.page = 1 }
        columns = Self.columns(for: query)
        toggleableColumns = columns
        let rows = page.rows.map { row in
            Row(
                id: row.id, productName: row.productName,
                productShort: Formatting.truncated(row.productName, to: 30), customerName: row.customerName,
                vendorName: row.vendorName, messagesCount: row.messagesCount, unreadCount: row.unreadCount,
                unreadClass: row.unreadCount > 0 ? "badge--warning" : "badge--success",
                lastMessage: row.lastMessageAt.map { TimeModel($0, now: now) },
                createdAt: TimeModel(row.createdAt, now: now), updatedAt: TimeModel(row.updatedAt, now: now),
                conversationURL: AdminPath.conversation(row.id),
                manageURL: AdminPath.editChatSession(row.id) + "#messages", editURL: AdminPath.editChatSession(row.id),
                deleteURL: AdminPath.deleteChatSession(row.id))
        }

        rowsHTML = Self.rowsHTML(rows)
        var chips: [Chip] = []
        if !query.search.isEmpty {
            chips.append(Chip(label: "Search: \(query.search)", removeURL: first.with { $0.search = "" }.url()))
        }
        if let id = query.customerID {
            chips.append(
                Chip(
                    label: "Customer: \(names.customer ?? "#\(id)")",
                    removeURL: first.with { $0.customerID = nil }.url()))
        }
        if let id = query.vendorID {
            chips.append(
                Chip(label: "Vendor: \(names.vendor ?? "#\(id)")", removeURL: first.with { $0.vendorID = nil }.url()))
        }
        if let id = query.productID {
            chips.append(
                Chip(label: "Product: \(names.product ?? "#\(id)")", removeURL: first.with { $0.productID = nil }.url())
            )
        }
        if query.hasUnread {
            chips.append(Chip(label: "Has unread messages", removeURL: first.with { $0.hasUnread = false }.url()))
        }
        if query.recentActivity {
            chips.append(
                Chip(label: "Active in the last 7 days", removeURL: first.with { $0.recentActivity = false }.url()))
        }
        self.chips = chips
        hasChips = !chips.isEmpty
        let reset = ChatSessionListQuery().with {
            $0.sort = query.sort
            $0.direction = query.direction
            $0.perPage = query.perPage
        }
        resetURL = reset.url()
        currentURL = query.url()
        hasRows = !rows.isEmpty
        isEmptyDatabase = page.total == 0 && !query.isFiltered && query.page == 1 && !filters.hasErrors
        let lastPage: Int? = page.totalIsCapped ? nil : max(1, (page.total + query.perPage - 1) / query.perPage)
        if page.rows.isEmpty && query.page > 1 && page.total > 0 && !filters.hasErrors {
            let last = lastPage ?? 1
            pastEnd = PastEnd(
                message: "Page \(Formatting.count(query.page)) is past the end of these results"
                    + (lastPage.map { ", which end on page \(Formatting.count($0))." } ?? "."),
                lastPageURL: query.with { $0.page = last }.url(),
                lastPageLabel: lastPage == nil ? "Go to the first page" : "Go to the last page")
        } else {
            pastEnd = nil
        }
        hasNoMatches = page.rows.isEmpty && !isEmptyDatabase && pastEnd == nil

        let totalText = Formatting.count(page.total) + (page.totalIsCapped ? "+" : "")
        if page.rows.isEmpty {
            summary = "No results"
        } else {
            let from = Formatting.count(query.offset + 1)
            let to = Formatting.count(query.offset + page.rows.count)
            let noun = page.total == 1 && !page.totalIsCapped ? "result" : "results"
            summary = "Showing \(from) to \(to) of \(totalText) \(noun)"
        }
        let hasNext = page.totalIsCapped ? page.rows.count == query.perPage : query.page < (lastPage ?? 1)
        previousURL = query.page > 1 ? query.with { $0.page -= 1 }.url() : nil
        nextURL = hasNext ? query.with { $0.page += 1 }.url() : nil
        pageLinks = Self.pageLinks(query: query, lastPage: lastPage, hasNext: hasNext)
        perPageOptions = ChatSessionListQuery.pageSizes.map { Option(value: $0, isSelected: $0 == query.perPage) }
        preservedFields = query.with { $0.page = 1 }.parameters.filter { $0.0 != "per_page" && $0.0 != "page" }
            .map { Field(name: $0.0, value: $0.1) }
        exportCSVURL = first.url(path: AdminPath.exportCSV)
        exportXLSXURL = first.url(path: AdminPath.exportXLSX)
    }

    static func columns(for query: ChatSessionListQuery) -> [Column] {
        let definitions: [(String, String, ChatSessionListQuery.SortColumn?, Bool)] = [
            ("product", "Product", .product, false),
            ("customer", "Customer", .customer, false),
            ("vendor", "Vendor", .vendor, false),
            ("messages_count", "Messages Count", .messagesCount, false),
            ("unread_count", "Unread Messages", nil, false),
            ("last_message_at", "Last Message", .lastMessageAt, false),
            ("created_at", "Created At", .createdAt, true),
            ("updated_at", "Updated At", .updatedAt, true),
        ]
        return definitions.map { key, label, sort, hidden in
            guard let sort else {
                return Column(key: key, label: label, sortURL: nil, ariaSort: nil, arrow: nil, hiddenByDefault: hidden)
            }
            let isSorted = query.sort == sort
            // First click sorts ascending, the next one descending.
            let nextDirection: ChatSessionListQuery.Direction = isSorted ? query.direction.reversed : .ascending
            let url = query.with {
                $0.sort = sort
                $0.direction = nextDirection
                $0.page = 1
            }.url()
            return Column(
                key: key, label: label, sortURL: url,
                ariaSort: isSorted ? (query.direction == .ascending ? "ascending" : "descending") : nil,
                arrow: isSorted ? (query.direction == .ascending ? "▲" : "▼") : nil, hiddenByDefault: hidden)
        }
    }

    static func pageLinks(query: ChatSessionListQuery, lastPage: Int?, hasNext: Bool) -> [PageLink] {
        let current = query.page
        let highest = lastPage ?? (hasNext ? current + 1 : current)
        var numbers = Set([1, current, highest])
        for offset in -2...2 where current + offset >= 1 && current + offset <= highest {
            numbers.insert(current + offset)
        }
        var links: [PageLink] = []
        var previous = 0
        for number in numbers.sorted() {
            if number > previous + 1 { links.append(PageLink(number: 0, url: nil, isCurrent: false)) }
            links.append(
                PageLink(number: number, url: query.with { $0.page = number }.url(), isCurrent: number == current))
            previous = number
        }
        return links
    }
}
