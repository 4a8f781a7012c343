/// Polls until `condition` holds. The ten seconds are a guard against a hang, not a guess at timing: tests wait
/// with it only for states that stay reached until the test itself moves on (a reply the server holds, a wake-up
/// counted).
func eventually(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw ConditionNeverHeld() }
        try await Task.sleep(for: .milliseconds(5))
    }
}

struct ConditionNeverHeld: Error, CustomStringConvertible {
    var description: String { "condition never held within ten seconds" }
}
