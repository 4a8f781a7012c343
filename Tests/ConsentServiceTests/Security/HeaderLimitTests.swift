import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ConsentService

/// Header values and header sections at and over their limits on a listening server: the contract's
/// Idempotency-Key limit exactly, and oversized keys, values and sections answered with a clean 4xx or a closed
/// connection, never a 5xx, with the server answering the next client as before.
@Suite struct HeaderLimitTests {
    @Test func anIdempotencyKeyOf255CharactersWorksAnd256IsRefused() async throws {
        try await LiveService.with { merchant, client, _ in
            let name = try #require(HTTPField.Name("Idempotency-Key"))
            let body = ConsentBody.valid()
            let longest: HTTPFields = [name: String(repeating: "k", count: 255)]
            let first = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body, headers: longest)
            #expect(first.status == .created)
            let replay = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body, headers: longest)
            #expect(replay.bytes == first.bytes)
            let before = try await merchant.fingerprint()
            let tooLong = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(),
                headers: [name: String(repeating: "k", count: 256)])
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.errorCode == "validation_failed")
            #expect(tooLong.errorFields == ["Idempotency-Key"])
            #expect(try await merchant.fingerprint() == before)
        }
    }

    /// Requests whose heads break a limit, sent over raw connections (a well-behaved client would not send them).
    static func oversizedHeads(key: String) -> [(String, String)] {
        let post = "POST /v1/consents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        let get = "GET /v1/merchant-events HTTP/1.1\r\nHost: localhost\r\n"
        return [
            ("a 300-character key", get + "Authorization: Bearer csk_\(String(repeating: "a", count: 296))\r\n\r\n"),
            ("a 64 KiB key", get + "Authorization: Bearer csk_\(String(repeating: "a", count: 64 * 1024))\r\n\r\n"),
            ("a 1 MiB key", get + "Authorization: Bearer csk_\(String(repeating: "a", count: 1024 * 1024))\r\n\r\n"),
            ("a 100 KiB Idempotency-Key",
             post + "Authorization: Bearer \(key)\r\nIdempotency-Key: \(String(repeating: "k", count: 100 * 1024))\r\n\r\n{}"),
            ("a 1 MiB header", get + "Authorization: Bearer \(key)\r\nX-Padding: \(String(repeating: "p", count: 1024 * 1024))\r\n\r\n"),
            ("a 200 KiB header section",
             get + (0..<200).map { "X-Padding-\($0): \(String(repeating: "p", count: 1000))\r\n" }.joined()
                + "Authorization: Bearer \(key)\r\n\r\n"),
            ("5000 small headers", get + (0..<5000).map { "X-\($0): 1\r\n" }.joined() + "Authorization: Bearer \(key)\r\n\r\n"),
            ("a 1 MiB request line", "GET /v1/consents/\(String(repeating: "a", count: 1024 * 1024)) HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        ]
    }

    @Test func oversizedHeadsGetA4xxOrAClosedConnectionAndTheServerCarriesOn() async throws {
        try await LiveService.with { merchant, client, port in
            let key = try #require(merchant.keys[.admin])
            let before = try await merchant.fingerprint()
            for (name, head) in Self.oversizedHeads(key: key) {
                let connection = try RawHTTPConnection(port: port)
                // The server may close before the whole head is written; what matters is what it answers.
                connection.send(head)
                let answer = await connection.answer(timeout: 20)
                switch answer {
                case .closed: break
                case .response(let status, _):
                    #expect((400..<500).contains(status), "\(name): \(answer)")
                case .timedOut:
                    Issue.record("\(name): no answer and the connection is still open")
                }
                // The process carries on: the next client is answered as usual.
                let next = try await client.call(.get, "/v1/merchant-events", key: key)
                #expect(next.status == .ok, "after \(name)")
            }
            #expect(try await merchant.fingerprint() == before)
        }
    }
}
