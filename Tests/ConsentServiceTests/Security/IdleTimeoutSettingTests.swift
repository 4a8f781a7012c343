import Foundation
import Testing

@testable import ConsentService

/// HTTP_IDLE_TIMEOUT_SECONDS, the bound `SlowClientTests` checks on a listening server, as `serve` reads it.
@Suite struct IdleTimeoutSettingTests {
    @Test func theBoundHasADefaultAndCanBeSetWithinReason() throws {
        #expect(try AppConfiguration.fromEnvironment([:]).httpIdleTimeout == .seconds(65))
        #expect(try AppConfiguration.fromEnvironment(["HTTP_IDLE_TIMEOUT_SECONDS": "7"]).httpIdleTimeout == .seconds(7))
        #expect(try AppConfiguration.fromEnvironment(["HTTP_IDLE_TIMEOUT_SECONDS": " "]).httpIdleTimeout == .seconds(65))
        for refused in ["0", "-5", "3601", "ten", "1.5"] {
            #expect(throws: ConfigurationError.self, "\(refused)") {
                try AppConfiguration.fromEnvironment(["HTTP_IDLE_TIMEOUT_SECONDS": refused])
            }
        }
    }
}
