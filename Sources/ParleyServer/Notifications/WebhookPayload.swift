import Foundation
import ParleyCore

/// The bodies webhook deliveries carry: `{"created_at", "data", "id", "type"}`, where `data` is
/// what the realtime socket sends for the same event.
enum WebhookPayload {
    /// A logged chat event as a webhook event; nil for events webhooks do not carry.
    /// `recipient` is added to a new message's data for push services.
    static func event(for logged: LoggedEvent, recipient: Recipient?) -> OutgoingWebhookEvent? {
        guard let type = WebhookEventType(logged.event), var data = RealtimeEvent.data(for: logged.event) else {
            return nil
        }
        if let recipient, data.hasSuffix("}") {
            data = String(data.dropLast()) + #","recipient":"# + recipient.json + "}"
        }
        let id = "evt_\(logged.position)"
        return OutgoingWebhookEvent(
            publicID: id, type: type, sessionID: logged.event.session?.id,
            body: body(id: id, type: type, createdAt: logged.createdAt, data: data))
    }

    /// A due reminder as a webhook event; its id names the messages it reports, so deciding
    /// about the same reminder twice makes one event.
    static func reminderDue(_ digest: ReminderDigest, at now: Date) -> OutgoingWebhookEvent {
        let id = "evt_reminder_\(digest.key.sessionID)_\(digest.key.userID)_\(digest.throughMessageID)"
        let first = digest.messages.first?.createdAt ?? now
        let data =
            #"{"chat_session_id":\#(digest.key.sessionID),"first_unread_at":"\#(APIJSON.timestamp(first))","#
            + #""message_ids":[\#(digest.messages.map { String($0.id) }.joined(separator: ","))],"#
            + #""unread_count":\#(digest.unreadCount),"user_id":\#(digest.key.userID)}"#
        return OutgoingWebhookEvent(
            publicID: id, type: .unreadReminderDue, sessionID: digest.key.sessionID,
            body: body(id: id, type: .unreadReminderDue, createdAt: now, data: data))
    }

    static func body(id: String, type: WebhookEventType, createdAt: Date, data: String) -> String {
        #"{"created_at":"\#(APIJSON.timestamp(createdAt))","data":"# + data
            + #","id":"\#(id)","type":"\#(type.rawValue)"}"#
    }

    /// Who a new message is for, with what a push service needs to notify their devices.
    struct Recipient {
        var userID: Int64
        var unreadTotal: Int64
        var devices: [(platform: String, token: String)]

        var json: String {
            var text = #"{"devices":["#
            text += devices.map { device in
                var entry = #"{"platform":"\#(device.platform)","token":"#
                JSONString.append(device.token, to: &entry, matchingJSONEncoder: true)
                return entry + "}"
            }.joined(separator: ",")
            return text + #"],"id":\#(userID),"unread_total":\#(unreadTotal)}"#
        }
    }
}
