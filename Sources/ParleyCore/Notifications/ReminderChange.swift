import Foundation

/// What the dispatcher decided about one reminder from the events it read.
public enum ReminderChange: Sendable, Equatable {
    /// A message arrived: due at `dueAt`, unless one is already due sooner. `restart` replaces a
    /// due time set before (the conversation was read since).
    case schedule(dueAt: Date, restart: Bool)
    /// The recipient has read everything: nothing is due.
    case cancel

    /// This change followed by `next`, as one.
    public func then(_ next: ReminderChange) -> ReminderChange {
        switch (self, next) {
        case (_, .cancel): .cancel
        case (.cancel, .schedule(let due, _)): .schedule(dueAt: due, restart: true)
        case (.schedule(let first, let restart), .schedule(let second, let restartAgain)):
            restartAgain
                ? .schedule(dueAt: second, restart: true) : .schedule(dueAt: min(first, second), restart: restart)
        }
    }
}
