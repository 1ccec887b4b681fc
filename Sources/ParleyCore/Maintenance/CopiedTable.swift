/// A table as the copy sees it: its name and the target's columns, which the source has too.
struct CopiedTable: Sendable, Equatable {
    var name: String
    var columns: [TableColumn]

    /// `row` with each value in the form its column stores; a value without one is left as it is,
    /// so that comparing it finds the difference.
    func converted(_ row: [ColumnValue]) -> [ColumnValue] {
        zip(row, columns).map { value, column in value.converted(to: column.kind) ?? value }
    }
}
