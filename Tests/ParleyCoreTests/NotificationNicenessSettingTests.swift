import ParleyCore
import Testing

@Suite("PARLEY_NOTIFICATION_NICENESS")
struct NotificationNicenessSettingTests {
    @Test func unsetLeavesTheChoiceToTheEngine() throws {
        #expect(try ParleyConfiguration.fromEnvironment([:]).notificationNiceness == nil)
        #expect(
            try ParleyConfiguration.fromEnvironment(["PARLEY_NOTIFICATION_NICENESS": ""]).notificationNiceness == nil)
    }

    @Test func aNicenessFromZeroToNineteenIsTaken() throws {
        for value: Int32 in [0, 5, 19] {
            let read = try ParleyConfiguration.fromEnvironment(["PARLEY_NOTIFICATION_NICENESS": "\(value)"])
            #expect(read.notificationNiceness == value)
        }
    }

    @Test func anyOtherValueIsRefusedByName() {
        for junk in ["-1", "20", "high", "5.5"] {
            #expect {
                try ParleyConfiguration.fromEnvironment(["PARLEY_NOTIFICATION_NICENESS": junk])
            } throws: { error in
                (error as? ConfigurationProblems)?.problems.map { problem -> String in
                    guard case .invalid(let name, _) = problem else { return "" }
                    return name
                } == ["PARLEY_NOTIFICATION_NICENESS"]
            }
        }
    }
}
