import Foundation
import Testing

@testable import Notifier

@Suite struct WebhookSignatureTests {
    /// The example of the Standard Webhooks specification.
    @Test func matchesTheSpecificationsExample() throws {
        let key = try #require(WebhookSignature.keyBytes(ofSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let signature = WebhookSignature.sign(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            key: key)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func newSecretsAreDistinctAndReadBack() throws {
        let first = WebhookSignature.makeSecret()
        let second = WebhookSignature.makeSecret()
        #expect(first != second)
        #expect(first.hasPrefix("whsec_"))
        #expect(try #require(WebhookSignature.keyBytes(ofSecret: first)).count == 32)
        #expect(WebhookSignature.keyBytes(ofSecret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == nil)
        #expect(WebhookSignature.keyBytes(ofSecret: "whsec_not base64!") == nil)
    }
}
