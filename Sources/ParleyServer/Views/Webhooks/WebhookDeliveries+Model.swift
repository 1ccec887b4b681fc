import Foundation
import ParleyCore

/// An endpoint's recent deliveries as its edit page lists them, each with a Resend button.
struct WebhookDeliveriesModel {
    struct Row {
        let id: Int64
        let eventID: String
        let eventType: String
        let state: String
        let stateClass: String
        let attempts: Int
        /// "HTTP 500", the error when there was no answer, or nil before the first attempt.
        let lastResult: String?
        let lastResultFailed: Bool
        let lastAttemptAt: TimeModel?
        /// Only while the delivery is still pending.
        let nextAttemptAt: TimeModel?
        let resendURL: String
    }

    let rows: [Row]
    let hasRows: Bool
    let limit = WebhookService.recentLimit

    init(endpointID: Int64, deliveries: [WebhookDelivery], now: Date) {
        rows = deliveries.map { delivery in
            let lastResult: String? =
                delivery.lastStatus.map { "HTTP \($0)" } ?? delivery.lastError.map { Formatting.truncated($0, to: 200) }
            let stateClass =
                switch delivery.state {
                case .pending: "badge--warning"
                case .delivered: "badge--success"
                case .failed: "badge--danger"
                }
            return Row(
                id: delivery.id, eventID: delivery.eventID, eventType: delivery.eventType,
                state: delivery.state.rawValue, stateClass: stateClass, attempts: delivery.attempts,
                lastResult: lastResult,
                lastResultFailed: delivery.lastStatus.map { !(200..<300).contains($0) } ?? (delivery.lastError != nil),
                lastAttemptAt: delivery.lastAttemptAt.map { TimeModel($0, now: now) },
                nextAttemptAt: delivery.state == .pending ? TimeModel(delivery.nextAttemptAt, now: now) : nil,
                resendURL: AdminPath.resendWebhookDelivery(endpointID, delivery.id))
        }
        hasRows = !rows.isEmpty
    }
}
