/// The conversation preview as a page of its own, for browsers without JavaScript.
struct ConversationPageModel {
    let layout: LayoutModel
    let sessionID: Int64
    let conversation: ConversationModel
}
