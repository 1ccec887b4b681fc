/// Whether `condition` holds within `seconds`, asked again every 10 ms: for what happens on
/// another task or process at a time the test cannot await.
public func eventually(within seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
