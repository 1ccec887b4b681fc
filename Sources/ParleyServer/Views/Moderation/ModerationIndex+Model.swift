import Foundation
import ParleyCore

/// The moderation queue: reports and flagged messages, newest first, with what each is about and,
/// while open, the decisions a moderator can take.
struct ModerationIndexModel {
    static let perPage = 25

    struct Row {
        let id: Int64
        let source: String
        let reason: String
        let state: String
        let stateClass: String
        let isOpen: Bool
        let productName: String
        let reporterName: String?
        let reportedUserName: String?
        let reportedUserBanned: Bool
        let canBan: Bool
        let hasMessage: Bool
        let messageHTML: String?
        let messageFlags: [MessageBodyHTML.FlagLabel]
        let messageSenderName: String?
        let note: String?
        let resolution: String?
        let createdAt: TimeModel
        /// The conversation, at the message when there is one.
        let conversationURL: String
        let decideURL: String
    }

    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    let layout: LayoutModel
    let rows: [Row]
    let hasRows: Bool
    let summary: String
    let states: [Option]
    let reasons: [Option]
    let previousURL: String?
    let nextURL: String?

    init(
        layout: LayoutModel, items: [ModerationQueueItem], locations: [Int64: String], total: Int,
        state: ModerationCaseState?, reason: ModerationReason?, page: Int, now: Date
    ) {
        self.layout = layout
        rows = items.map { item in
            let found = item.moderationCase
            return Row(
                id: found.id, source: found.isReport ? "Report" : "Detector", reason: found.reason.label,
                state: found.state.rawValue,
                stateClass: found.state == .open ? "badge--warning" : found.state == .actioned ? "badge--danger" : "",
                isOpen: found.state == .open, productName: item.productName, reporterName: item.reporterName,
                reportedUserName: item.reportedUserName, reportedUserBanned: item.reportedUserBanned,
                canBan: found.reportedUserID != nil && !item.reportedUserBanned,
                hasMessage: item.message != nil, messageHTML: item.message.map(MessageBodyHTML.render),
                messageFlags: item.message.map(MessageBodyHTML.labels) ?? [], messageSenderName: item.messageSenderName,
                note: found.note, resolution: found.resolution, createdAt: TimeModel(found.createdAt, now: now),
                conversationURL: locations[found.id] ?? AdminPath.editChatSession(found.sessionID) + "#messages",
                decideURL: AdminPath.moderationCase(found.id))
        }
        hasRows = !rows.isEmpty
        summary = Formatting.counted(total, "case")
        states =
            [Option(value: "", label: "Any state", selected: state == nil)]
            + ModerationCaseState.allCases.map {
                Option(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == state)
            }
        reasons =
            [Option(value: "", label: "Any reason", selected: reason == nil)]
            + ModerationReason.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == reason) }
        let pages = max(1, (total + Self.perPage - 1) / Self.perPage)
        previousURL = page > 1 ? AdminPath.moderationQueue(state: state, reason: reason, page: page - 1) : nil
        nextURL = page < pages ? AdminPath.moderationQueue(state: state, reason: reason, page: page + 1) : nil
    }
}
