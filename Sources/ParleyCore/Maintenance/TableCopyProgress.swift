/// How far the copy of one table has got, reported as it goes.
public struct TableCopyProgress: Sendable, Equatable {
    public var table: String
    /// Where the table comes in the copy (from 1) and how many tables there are.
    public var position: Int
    public var tableCount: Int
    public var copiedRows: Int
    /// The source's rows, counted before copying.
    public var totalRows: Int
    /// True once, when the table is done.
    public var isFinished: Bool
}
