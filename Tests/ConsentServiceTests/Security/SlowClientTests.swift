import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// Clients that send their requests a byte a second, against the application as `serve` builds it: they hold
/// no database connection (the pool has two), other clients keep being answered at once, and a connection
/// whose request head has not arrived within HTTP_IDLE_TIMEOUT_SECONDS is closed.
@Suite(.serialized) struct SlowClientTests {
    /// One slow request: what it sends at once, then a byte a second, then the rest when the test is done.
    struct SlowRequest {
        let connection: RawHTTPConnection
        let bytes: [UInt8]
        var sent: Int
        let expectedStatus: Int
    }

    static func request(
        _ method: String, _ path: String, key: String? = nil, contentType: String? = nil, body: [UInt8] = []
    ) -> (head: [UInt8], body: [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        if let key { head += "Authorization: Bearer \(key)\r\n" }
        if let contentType { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        return (Array((head + "\r\n").utf8), body)
    }

    static func elapsed<T>(_ work: () async throws -> T) async rethrows -> (T, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await work()
        return (value, clock.now - start)
    }

    @Test func requestsSentAByteASecondHoldNoWorkerAndOthersAreAnsweredAtOnce() async throws {
        try await LiveService.with(idleTimeout: .seconds(30), poolSize: 2) { merchant, client, port in
            let checkout = try #require(merchant.keys[.checkout])
            let link = try await RouteFixtures.make(.cancelLink, for: merchant, client: client)
            var slow: [SlowRequest] = []
            // Heads that trickle in; bodies that trickle in after a head with a valid key (the handler is already
            // waiting for them); the cancel form, whose handler reads the link's key before the body.
            for _ in 0..<24 {
                let request = Self.request("GET", "/healthz")
                slow.append(SlowRequest(connection: try RawHTTPConnection(port: port), bytes: request.head, sent: 0, expectedStatus: 200))
            }
            for _ in 0..<24 {
                let request = Self.request(
                    "POST", "/v1/consents", key: checkout, contentType: "application/json", body: ConsentBody.valid().serialized())
                slow.append(
                    SlowRequest(
                        connection: try RawHTTPConnection(port: port), bytes: request.head + request.body,
                        sent: request.head.count, expectedStatus: 201))
            }
            for _ in 0..<8 {
                let request = Self.request(
                    "POST", "/cancel/\(link.token)", contentType: "application/x-www-form-urlencoded",
                    body: Array("csrf=\(link.csrf)".utf8))
                slow.append(
                    SlowRequest(
                        connection: try RawHTTPConnection(port: port), bytes: request.head + request.body,
                        sent: request.head.count, expectedStatus: 200))
            }
            for request in slow { #expect(request.connection.send(Array(request.bytes[0..<request.sent]))) }

            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            var slowest = Duration.zero
            for _ in 0..<5 {
                for index in slow.indices {
                    #expect(slow[index].connection.send([slow[index].bytes[slow[index].sent]]), "the server cut off a slow request")
                    slow[index].sent += 1
                }
                // While every slow request is open, with both pool connections free only if none holds one.
                let rounds = try await Self.elapsed {
                    let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.billing])
                    #expect(read.status == .ok)
                    let created = try await client.call(.post, "/v1/consents", key: checkout, json: ConsentBody.valid())
                    #expect(created.status == .created)
                    let fresh = try RawHTTPConnection(port: port)
                    fresh.send(Self.request("GET", "/readyz").head)
                    #expect(await fresh.answer(timeout: 10).status == 200)
                }
                slowest = max(slowest, rounds.1)
                try await Task.sleep(for: .seconds(1))
            }
            // Generous for two busy shared cores: a request waiting for a held connection would wait the pool's whole
            // acquire timeout (20 s) and then fail.
            #expect(slowest < .seconds(8), "normal requests waited \(slowest) beside the slow ones")

            // The slow requests were real ones the server was waiting on: completed, each gets its answer.
            for request in slow { #expect(request.connection.send(Array(request.bytes[request.sent...]))) }
            for request in slow {
                let answer = await request.connection.answer(timeout: 20)
                #expect(answer.status == request.expectedStatus, "\(answer)")
            }
            #expect(try await merchant.rowCounts()["consents"] == 1 + 24 + 5 + 1)
        }
    }

    @Test func aConnectionWithoutARequestHeadWithinTheBoundIsClosed() async throws {
        let bound = 2.0
        try await LiveService.with(idleTimeout: .seconds(2)) { merchant, _, port in
            let silent = try RawHTTPConnection(port: port)
            let dribbling = try RawHTTPConnection(port: port)
            let headWithoutBody = try RawHTTPConnection(port: port)
            let head = Self.request("GET", "/healthz").head
            let post = Self.request(
                "POST", "/v1/consents", key: merchant.keys[.checkout], contentType: "application/json",
                body: ConsentBody.valid().serialized())
            headWithoutBody.send(post.head)

            let clock = ContinuousClock()
            let start = clock.now
            @Sendable func end(of connection: RawHTTPConnection) async -> (RawHTTPConnection.Answer, Duration) {
                let answer = await connection.answer(timeout: bound + 10)
                return (answer, clock.now - start)
            }
            async let silentEnd = end(of: silent)
            async let dribblingEnd = end(of: dribbling)
            async let bodyEnd = end(of: headWithoutBody)
            // A byte every half second: the connection is busy, but its head never completes.
            for byte in head.prefix(12) {
                if !dribbling.send([byte]) { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            // A connection that sends its whole head at once is answered meanwhile.
            let prompt = try RawHTTPConnection(port: port)
            prompt.send(head)
            #expect(await prompt.answer(timeout: 5).status == 200, "a whole head in time is answered")

            let ends = await [silentEnd, dribblingEnd, bodyEnd]
            #expect(ends[0].0 == .closed, "silent: \(ends[0])")
            #expect(ends[1].0 == .closed, "dribbling: \(ends[1])")
            // A head without its body: closed, or answered with a client error before closing; never a 5xx.
            #expect(ends[2].0 == .closed || (400..<500).contains(ends[2].0.status ?? 0), "head without body: \(ends[2])")
            for (answer, after) in ends {
                #expect(after > .seconds(bound - 0.5) && after < .seconds(bound + 8), "\(answer) after \(after)")
            }
            #expect(try await merchant.rowCounts()["consents"] == 0)

            // The test client's own connection has been idle past the bound too, so ask on a new one.
            let after = try RawHTTPConnection(port: port)
            after.send(head)
            #expect(await after.answer(timeout: 5).status == 200, "the server still answers")
        }
    }
}
