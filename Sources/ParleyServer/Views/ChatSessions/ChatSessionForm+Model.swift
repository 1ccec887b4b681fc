import Foundation
import ParleyCore

/// The create and edit forms, with what was typed and what was wrong with it.
struct ChatSessionFormModel {
    typealias Combobox = ChatSessionIndexModel.Combobox

    /// What the form holds: ids and labels of the chosen records, and the time as typed.
    struct Input {
        var productID: Int64?
        var productLabel = ""
        var customerID: Int64?
        var customerLabel = ""
        var vendorID: Int64?
        var vendorLabel = ""
        var lastMessageAt = ""
    }

    let layout: LayoutModel
    let heading: String
    let action: String
    let isNew: Bool
    let productField: Combobox
    let customerField: Combobox
    let vendorField: Combobox
    let lastMessageAt: String
    let lastMessageError: String?
    let formError: String?
    let existingURL: String?
    let messages: ChatMessagesModel?

    init(
        layout: LayoutModel, sessionID: Int64?, input: Input, errors: [String: String], formError: String? = nil,
        existingURL: String? = nil, messages: ChatMessagesModel? = nil
    ) {
        self.layout = layout
        isNew = sessionID == nil
        heading = sessionID.map { "Edit chat session #\($0)" } ?? "New chat session"
        action = sessionID.map(AdminPath.chatSession) ?? AdminPath.chatSessions
        productField = Combobox(
            name: "product_id", inputID: "product", label: "Product", placeholder: "Search products",
            lookupURL: AdminPath.productLookup, selectedID: input.productID.map(String.init) ?? "",
            selectedLabel: input.productLabel, isRequired: true,
            error: errors["product_id"], textName: nil)
        customerField = Combobox(
            name: "customer_id", inputID: "customer", label: "Customer", placeholder: "Search users",
            lookupURL: AdminPath.userLookup, selectedID: input.customerID.map(String.init) ?? "",
            selectedLabel: input.customerLabel, isRequired: true,
            error: errors["customer_id"], textName: nil)
        vendorField = Combobox(
            name: "vendor_id", inputID: "vendor", label: "Vendor",
            placeholder: "Search users (usually the product's owner)",
            lookupURL: AdminPath.userLookup, selectedID: input.vendorID.map(String.init) ?? "",
            selectedLabel: input.vendorLabel, isRequired: true,
            error: errors["vendor_id"], textName: nil)
        lastMessageAt = input.lastMessageAt
        lastMessageError = errors["last_message_at"]
        self.formError = formError
        self.existingURL = existingURL
        self.messages = messages
    }
}

/// The messages sub-table on the edit page.
struct ChatMessagesModel {
    static let pageSize = 50

    /// The number of the last messages page (1 when there are no messages).
    static func lastPage(messagesCount: Int64) -> Int {
        max(1, (Int(messagesCount) + pageSize - 1) / pageSize)
    }

    /// The id of a message's row, for links that scroll to it.
    static func rowAnchor(_ messageID: Int64) -> String { "message-\(messageID)" }

    struct Row {
        let id: Int64
        /// Escaped, with detected contact details marked (``MessageBodyHTML``).
        let bodyHTML: String
        let flags: [MessageBodyHTML.FlagLabel]
        let senderName: String
        let senderRole: String
        let roleClass: String
        let sentAt: TimeModel
        let isRead: Bool
        let deleteURL: String
        let anchor: String
    }

    struct PageLink {
        let number: Int
        let url: String
        let isCurrent: Bool
    }

    let layout: LayoutModel
    let rows: [Row]
    let summary: String
    let readURL: String
    let addURL: String
    let customerName: String
    let vendorName: String
    let sendAsCustomer: Bool
    let draft: String
    let bodyError: String?
    let pageLinks: [PageLink]
    let hasPages: Bool
    /// The page shown, sent back by its forms so that the admin lands on it again.
    let page: Int

    init(
        layout: LayoutModel, session: ChatSession, customerName: String, vendorName: String,
        messages: [ConversationMessage], page: Int, now: Date, draft: String = "", sendAs: ParticipantRole = .vendor,
        bodyError: String? = nil
    ) {
        self.layout = layout
        rows = messages.map { item in
            Row(
                id: item.message.id, bodyHTML: MessageBodyHTML.render(item.message),
                flags: MessageBodyHTML.labels(item.message), senderName: item.senderName,
                senderRole: item.message.senderRole.rawValue,
                roleClass: item.message.senderRole == .customer ? "badge--info" : "badge--primary",
                sentAt: TimeModel(item.message.createdAt, now: now), isRead: item.message.isRead,
                deleteURL: AdminPath.deleteMessage(session.id, item.message.id), anchor: Self.rowAnchor(item.message.id)
            )
        }
        summary =
            Formatting.counted(Int(session.messagesCount), "message") + ", "
            + Formatting.count(Int(session.unreadCount)) + " unread"
        readURL = AdminPath.readMessages(session.id)
        addURL = AdminPath.messages(session.id)
        self.customerName = customerName
        self.vendorName = vendorName
        sendAsCustomer = sendAs == .customer
        self.draft = draft
        self.bodyError = bodyError
        let pages = Self.lastPage(messagesCount: session.messagesCount)
        self.page = page
        let shown = Set([1, pages] + Array(max(1, page - 3)...min(pages, page + 3)))
        pageLinks = shown.sorted().map { number in
            PageLink(
                number: number, url: AdminPath.messagesPage(session.id, page: number) + "#messages",
                isCurrent: number == page)
        }
        hasPages = pages > 1
    }
}

/// The conversation preview in the list's modal.
struct ConversationModel {
    struct Message {
        let senderName: String
        let senderRole: String
        /// Escaped, with detected contact details marked (``MessageBodyHTML``).
        let bodyHTML: String
        let flags: [MessageBodyHTML.FlagLabel]
        let sentAt: TimeModel
        let isRead: Bool
    }

    let productName: String
    let customerName: String
    let vendorName: String
    /// "1 message", "12 messages".
    let messagesCount: String
    let messages: [Message]
    let hasEarlier: Bool
    /// "the latest 200 messages" when only those are shown.
    let shown: String
    let manageURL: String
}
