import Foundation
import ParleyCore

/// Shows `migrate-data`'s progress on standard error: on a terminal, one bar per table redrawn in
/// place; otherwise (a log file, a pipe) a plain line every few seconds and one per finished table.
/// The steps after the copy get a line each.
final class TableProgressDisplay: @unchecked Sendable {
    private let isTerminal: Bool
    private let interval: Duration
    private let lock = NSLock()
    private var tableStarted = ContinuousClock.now
    private var lastShown = ContinuousClock.now

    init(isTerminal: Bool = isatty(FileHandle.standardError.fileDescriptor) == 1, interval: Duration = .seconds(5)) {
        self.isTerminal = isTerminal
        self.interval = interval
    }

    func show(_ step: DataMigrationStep) {
        switch step {
        case .copying(let progress):
            show(progress)
        case .rebuilding(let indexes, let foreignKeys):
            write("Building \(indexes) indexes and checking \(foreignKeys) foreign keys on the copied rows…\n")
        case .verifying:
            write("Counting rows on both sides and auditing the chat counters…\n")
        }
    }

    private func show(_ progress: TableCopyProgress) {
        lock.withLock {
            let now = ContinuousClock.now
            if progress.copiedRows == 0 && !progress.isFinished { tableStarted = now }
            if isTerminal {
                // Redrawing costs a write; four times a second is smooth enough.
                guard progress.isFinished || now - lastShown >= .milliseconds(250) || progress.copiedRows == 0
                else { return }
                write("\r" + line(progress, now: now) + "\u{1B}[K" + (progress.isFinished ? "\n" : ""))
            } else {
                guard progress.isFinished || now - lastShown >= interval else { return }
                write(line(progress, now: now) + "\n")
            }
            lastShown = now
        }
    }

    private func line(_ progress: TableCopyProgress, now: ContinuousClock.Instant) -> String {
        let fraction = progress.totalRows == 0 ? 1 : Double(progress.copiedRows) / Double(progress.totalRows)
        let elapsed = now - tableStarted
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let counts = String(
            format: "%3.0f%% %d/%d rows, %.0f rows/s", fraction * 100, progress.copiedRows, progress.totalRows,
            Double(progress.copiedRows) / seconds)
        let table = "[\(progress.position)/\(progress.tableCount)] \(progress.table)"
        guard isTerminal else { return "\(table): \(counts)" + (progress.isFinished ? ", done" : "") }
        let width = 30
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        return "\(table.padding(toLength: max(table.count, 24), withPad: " ", startingAt: 0)) [\(bar)] \(counts)"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
