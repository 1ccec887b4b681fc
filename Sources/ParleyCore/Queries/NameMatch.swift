/// What a name typed into a filter, without picking from the dropdown, points at.
public enum NameMatch: Sendable, Equatable {
    /// Exactly one record: the filter can use it.
    case one(id: Int64, name: String)
    /// Nothing is called that.
    case none
    /// Several records could be meant; the person has to pick one.
    case many
}
