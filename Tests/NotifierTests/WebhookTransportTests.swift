import Foundation
import TestSupport
import Testing

@testable import Notifier

/// The webhook transport against a real HTTP receiver process on loopback.
@Suite("Webhook transport against a real receiver")
struct WebhookTransportTests {
    static let loopback = WebhookTransport(timeout: .seconds(5), allowPrivateDestinations: true)

    static func post(_ receiver: WebhookReceiver, path: String = "/hooks") -> WebhookPost {
        let body = Array(#"{"type":"consent.cancelled"}"#.utf8)
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        return WebhookPost(
            url: "http://127.0.0.1:\(receiver.port)\(path)", body: body,
            headers: WebhookSignature.headers(id: "msg_1", timestamp: 1_795_000_000, body: body, key: key))
    }

    @Test func aSignedPostIsDeliveredAsSent() async throws {
        try await WebhookReceiver.with { (receiver: WebhookReceiver) async throws in
            let post = Self.post(receiver)
            #expect(await Self.loopback.deliver(post) == .delivered(status: 200))
            let received = try receiver.received()
            try #require(received.count == 1)
            #expect(received[0].path == "/hooks")
            #expect(received[0].body == #"{"type":"consent.cancelled"}"#)
            #expect(received[0].headers["content-type"] == "application/json")
            #expect(received[0].headers["webhook-id"] == "msg_1")
            #expect(received[0].headers["webhook-timestamp"] == "1795000000")
            #expect(received[0].headers["webhook-signature"] == post.headers.first { $0.0 == "webhook-signature" }?.1)
        }
    }

    @Test func failuresRetryGoneIsGoneAndRedirectsAreNotFollowed() async throws {
        let replies = ["500", "503:Retry-After=120", "301:Location=http://127.0.0.1:1/elsewhere", "410"]
        try await WebhookReceiver.with(replies: replies) { (receiver: WebhookReceiver) async throws in
            let post = Self.post(receiver)
            #expect(await Self.loopback.deliver(post) == .retry(status: 500, reason: "the endpoint answered 500", retryAfterSeconds: nil))
            #expect(await Self.loopback.deliver(post) == .retry(status: 503, reason: "the endpoint answered 503", retryAfterSeconds: 120))
            #expect(await Self.loopback.deliver(post) == .retry(status: 301, reason: "the endpoint answered 301", retryAfterSeconds: nil))
            #expect(await Self.loopback.deliver(post) == .gone)
            #expect(try receiver.received().count == 4, "one request each: the redirect was not followed")
        }
    }

    @Test func aSlowEndpointTimesOut() async throws {
        try await WebhookReceiver.with(replies: ["200@3"]) { (receiver: WebhookReceiver) async throws in
            let quick = WebhookTransport(timeout: .seconds(1), allowPrivateDestinations: true)
            guard case .retry(nil, _, nil) = await quick.deliver(Self.post(receiver)) else {
                Issue.record("a timeout is a retry without a status")
                return
            }
        }
    }

    @Test func privateDestinationsAreRefusedUnlessAllowed() async throws {
        try await WebhookReceiver.with { (receiver: WebhookReceiver) async throws in
            let strict = WebhookTransport()
            for url in ["http://127.0.0.1:\(receiver.port)/hooks", "http://localhost:\(receiver.port)/hooks"] {
                guard case .refused = await strict.deliver(WebhookPost(url: url, body: [], headers: [])) else {
                    Issue.record("\(url) was not refused")
                    continue
                }
            }
            #expect(try receiver.received().isEmpty)
        }
    }

    @Test func onlyHTTPURLsWithoutCredentialsAreUsable() async {
        for url in ["ftp://example.com/x", "file:///etc/passwd", "http://user:pass@example.com/", "not a url", "https:///x"] {
            guard case .refused = await WebhookTransport().deliver(WebhookPost(url: url, body: [], headers: [])) else {
                Issue.record("\(url) was not refused")
                continue
            }
        }
    }

    @Test func retryAfterReadsSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds("Wed, 21 Nov 2026 08:02:20 GMT", now: Date(timeIntervalSince1970: 1_795_248_000)) == 140)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.seconds("-5", now: now) == nil)
    }
}
