import ConsentRules
import Foundation
import Logging
import TestSupport
import Testing

@testable import Notifier

/// The SMTP transport against a real SMTP server process (`scripts/smtp-test-server`, aiosmtpd) that each test
/// starts on a free loopback port and stops by its PID.
@Suite("SMTP transport against a real server")
struct SMTPTransportTests {
    static let envelope = SMTPEnvelope(from: "billing@merchant.example", recipients: ["consumer@example.org"])

    /// A message with CRLF line ends and lines that need SMTP dot-stuffing.
    static func message(_ number: Int = 1) -> [UInt8] {
        let lines = [
            "From: \"Merchant\" <billing@merchant.example>",
            "To: <consumer@example.org>",
            "Subject: Pre-debit notice \(number)",
            "Message-ID: <\(number).\(UUID().uuidString)@merchant.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "",
            "Your card will be charged EUR 9.99 on 2026-12-01.",
            ".a line that starts with a dot",
            "..and one with two",
            ".",
            "end",
            "",
        ]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static func configuration(
        port: Int, security: SMTPConfiguration.Security = .startTLSRequired, caFile: String? = nil,
        username: String? = nil, password: String? = nil, connections: Int = 2,
        connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(20)
    ) async throws -> SMTPConfiguration {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        var ca = caFile
        if ca == nil, security != .plaintextOnLoopback { ca = try await TestCertificates.shared().caFile }
        return SMTPConfiguration(
            url: "\(scheme)://127.0.0.1:\(port)", security: security, username: username, password: password,
            caFile: ca, connectTimeout: connectTimeout, totalTimeout: totalTimeout, connections: connections)
    }

    static let quiet = Logger(label: "smtp-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` with a transport and shuts it down afterwards, also when `body` throws.
    static func withTransport<T>(
        _ configuration: SMTPConfiguration, logger: Logger = quiet, clock: ManualClock? = nil,
        body: (SMTPTransport) async throws -> T
    ) async throws -> T {
        let transport = try SMTPTransport(
            configuration: configuration, logger: logger, clock: clock?.reading ?? SystemClock.now)
        do {
            let result = try await body(transport)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    @Test func deliversOverSTARTTLSWithTheTestCAAndStoresTheExactBytes() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true)) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port)) { transport async throws in
                let message = Self.message()
                let outcome = await transport.send(message, envelope: Self.envelope)
                guard case .accepted(let reply) = outcome else {
                    Issue.record("expected acceptance, got \(outcome)")
                    return
                }
                // The final reply text is captured, and names the file the server stored.
                #expect(reply.hasPrefix("250 2.0.0 Ok: queued as "))
                let queueID = String(reply.dropFirst("250 2.0.0 Ok: queued as ".count))
                let stored = try server.storedMessages()
                #expect(Array(stored.keys) == ["\(queueID).eml"])
                #expect(stored["\(queueID).eml"] == message)
            }
        }
    }

    @Test func deliversOverImplicitTLS() async throws {
        try await SMTPTestServer.with(.init(implicitTLS: true)) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port, security: .implicitTLS)) { transport async throws in
                let message = Self.message()
                let outcome = await transport.send(message, envelope: Self.envelope)
                #expect(outcome.reply?.hasPrefix("250 ") == true, "\(outcome)")
                #expect(try Array(server.storedMessages().values) == [message])
            }
        }
    }

    @Test func aServerCertificateFromAnUnknownCAIsRefused() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true)) { server async throws in
            // Verification stays on: without the test CA the server's certificate cannot be trusted.
            let configuration = try await Self.configuration(port: server.port, caFile: "/etc/ssl/certs/ca-certificates.crt")
            try await Self.withTransport(configuration) { transport async throws in
                let outcome = await transport.send(Self.message(), envelope: Self.envelope)
                #expect(outcome.isRetryable, "\(outcome)")
                #expect(try server.storedMessages().isEmpty)
            }
        }
    }

    @Test func aServerWithoutSTARTTLSIsRefusedAndGetsNothing() async throws {
        try await SMTPTestServer.with(.init()) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port)) { transport async throws in
                let outcome = await transport.send(Self.message(), envelope: Self.envelope)
                guard case .transientFailure(_, let reason) = outcome else {
                    Issue.record("expected a transient failure, got \(outcome)")
                    return
                }
                // libcurl does not even try STARTTLS when EHLO does not offer it (CURLE_USE_SSL_FAILED).
                #expect(reason.contains("STARTTLS"))
                #expect(try server.storedMessages().isEmpty)
            }
        }
    }

    @Test func authWithTheRightPasswordDelivers() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true, auth: "mailer:right horse battery")) { server async throws in
            // Credentials from an SMTP_URL, percent-decoded.
            let configuration = try await SMTPConfiguration.parse(
                url: "smtp://mailer:right%20horse%20battery@127.0.0.1:\(server.port)",
                caFile: TestCertificates.shared().caFile)
            try await Self.withTransport(configuration) { transport async throws in
                let outcome = await transport.send(Self.message(), envelope: Self.envelope)
                #expect(outcome.reply?.hasPrefix("250 ") == true, "\(outcome)")
                #expect(try server.storedMessages().count == 1)
            }
        }
    }

    /// A rejected login (535) and a missing one (530) are transient: they are about our credentials, not the
    /// message, and failing messages for an operator's mistake would lose consent notices that must go out.
    @Test func aWrongOrMissingPasswordIsTransient() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true, auth: "mailer:right")) { server async throws in
            let wrong = try await Self.configuration(port: server.port, username: "mailer", password: "wrong")
            try await Self.withTransport(wrong) { transport async throws in
                let outcome = await transport.send(Self.message(), envelope: Self.envelope)
                guard case .transientFailure(let reply, let reason) = outcome else {
                    Issue.record("expected a transient failure, got \(outcome)")
                    return
                }
                #expect(reply?.hasPrefix("535 ") == true, "\(outcome)")
                #expect(reason.contains("credentials"))
            }
            try await Self.withTransport(Self.configuration(port: server.port)) { transport async throws in
                let outcome = await transport.send(Self.message(), envelope: Self.envelope)
                #expect(outcome.isRetryable, "\(outcome)")
                #expect(outcome.reply?.hasPrefix("530 ") == true, "\(outcome)")
            }
            #expect(try server.storedMessages().isEmpty)
        }
    }

    @Test func a451IsTransientAndTheRetryIsDelivered() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true, replies: ["451:4.3.0 try later"])) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port)) { transport async throws in
                let message = Self.message()
                let first = await transport.send(message, envelope: Self.envelope)
                #expect(
                    first == .transientFailure(reply: "451 4.3.0 try later", reason: "the server deferred the message (451)"))
                #expect(try server.storedMessages().isEmpty)
                let retry = await transport.send(message, envelope: Self.envelope)
                #expect(retry.reply?.hasPrefix("250 2.0.0 Ok: queued as ") == true, "\(retry)")
                #expect(try Array(server.storedMessages().values) == [message])
            }
        }
    }

    @Test func a550FailsTheMessage() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true, replies: ["550:5.7.1 message refused"])) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port)) { transport async throws in
                let outcome = await transport.send(Self.message(), envelope: Self.envelope)
                #expect(
                    outcome
                        == .permanentFailure(
                            reply: "550 5.7.1 message refused", reason: "the server refused the message (550)"))
                #expect(try server.storedMessages().isEmpty)
                // The connection stays usable for the next message.
                let next = await transport.send(Self.message(2), envelope: Self.envelope)
                #expect(next.reply?.hasPrefix("250 ") == true, "\(next)")
            }
        }
    }

    @Test func noServerIsATransientFailureWithinTheConnectTimeout() async throws {
        let port = try unusedLoopbackPort()
        let configuration = try await Self.configuration(port: port, connectTimeout: .seconds(2))
        try await Self.withTransport(configuration) { transport async throws in
            let clock = ContinuousClock()
            let started = clock.now
            let outcome = await transport.send(Self.message(), envelope: Self.envelope)
            // The connect timeout bounds the attempt; the generous bound only catches a hang on a loaded machine.
            #expect(clock.now - started < .seconds(30))
            guard case .transientFailure(nil, let reason) = outcome else {
                Issue.record("expected a transient failure without reply, got \(outcome)")
                return
            }
            #expect(reason.contains("onnect"), "\(reason)")
        }
    }

    @Test func aServerThatIsDownForAWhile() async throws {
        let maildir = try TemporaryDirectory.make(prefix: "smtp-mail")
        defer { try? FileManager.default.removeItem(at: maildir) }
        let port = try await SMTPTestServer.with(.init(requireStartTLS: true), maildir: maildir) { server in server.port }
        let configuration = try await Self.configuration(port: port, connections: 1)
        try await Self.withTransport(configuration) { transport async throws in
            let down = await transport.send(Self.message(1), envelope: Self.envelope)
            #expect(down.isRetryable && down.reply == nil, "\(down)")

            try await SMTPTestServer.with(.init(port: port, requireStartTLS: true), maildir: maildir) { _ in
                let up = await transport.send(Self.message(2), envelope: Self.envelope)
                #expect(up.reply?.hasPrefix("250 ") == true, "\(up)")
            }
            // Down again with a connection libcurl still holds: a transient failure, no crash, no hang.
            let downAgain = await transport.send(Self.message(3), envelope: Self.envelope)
            #expect(downAgain.isRetryable, "\(downAgain)")

            try await SMTPTestServer.with(.init(port: port, requireStartTLS: true), maildir: maildir) { _ in
                let upAgain = await transport.send(Self.message(4), envelope: Self.envelope)
                #expect(upAgain.reply?.hasPrefix("250 ") == true, "\(upAgain)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }.count == 2)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // The server answers after 30 s: a transport without a working timeout gets that reply, after the bound.
        try await SMTPTestServer.with(.init(requireStartTLS: true, dataDelay: 30)) { server async throws in
            let configuration = try await Self.configuration(port: server.port, totalTimeout: .milliseconds(1500))
            try await Self.withTransport(configuration) { transport async throws in
                let clock = ContinuousClock()
                let started = clock.now
                let outcome = await transport.send(Self.message(), envelope: Self.envelope)
                // Generous for a loaded machine, and still far short of forever.
                #expect(clock.now - started < .seconds(20))
                #expect(outcome.isRetryable && outcome.reply == nil, "\(outcome)")
            }
        }
    }

    @Test func plaintextOnLoopbackDelivers() async throws {
        try await SMTPTestServer.with(.init()) { server async throws in
            let configuration = try await Self.configuration(port: server.port, security: .plaintextOnLoopback)
            try await Self.withTransport(configuration) { transport async throws in
                let message = Self.message()
                let outcome = await transport.send(message, envelope: Self.envelope)
                #expect(outcome.reply?.hasPrefix("250 ") == true, "\(outcome)")
                #expect(try Array(server.storedMessages().values) == [message])
            }
        }
    }

    @Test func oneConnectionIsReusedForMessageAfterMessage() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true)) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port, connections: 1)) { transport async throws in
                for number in 1 ... 5 {
                    let outcome = await transport.send(Self.message(number), envelope: Self.envelope)
                    #expect(outcome.reply?.hasPrefix("250 ") == true, "\(outcome)")
                }
                #expect(transport.connectionsOpened == 1)
                #expect(try server.storedMessages().count == 5)
            }
        }
    }

    @Test func aHundredConcurrentMessagesOverFourConnectionsArriveExactlyOnce() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true)) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port, connections: 4)) { transport async throws in
                let messages = (1 ... 100).map { Self.message($0) }
                let outcomes = await withTaskGroup(of: SMTPOutcome.self) { group in
                    for message in messages {
                        group.addTask { await transport.send(message, envelope: Self.envelope) }
                    }
                    return await group.reduce(into: [SMTPOutcome]()) { $0.append($1) }
                }
                #expect(outcomes.count == 100)
                #expect(outcomes.allSatisfy { $0.reply?.hasPrefix("250 2.0.0 Ok: queued as ") == true })
                #expect(Set(outcomes.compactMap(\.reply)).count == 100)
                let stored = try server.storedMessages()
                #expect(stored.count == 100)
                #expect(Set(stored.values) == Set(messages))
                #expect((1 ... 4).contains(transport.connectionsOpened), "\(transport.connectionsOpened)")
            }
        }
    }

    @Test func aMessageStillWaitingForAConnectionCanBeCancelled() async throws {
        try await SMTPTestServer.with(.init(requireStartTLS: true, holdsData: true)) { server async throws in
            try await Self.withTransport(Self.configuration(port: server.port, connections: 1)) { transport async throws in
                let busy = Task { await transport.send(Self.message(1), envelope: Self.envelope) }
                // The only connection has picked up message 1, which the server holds until released...
                try await eventually { transport.messagesInFlight == 1 }
                let waiting = Task { await transport.send(Self.message(2), envelope: Self.envelope) }
                // ...and message 2 waits for it.
                try await eventually { transport.messagesWaiting == 1 }
                waiting.cancel()
                #expect(await waiting.value == SMTPTransport.cancelledOutcome)
                try server.releaseHeldData()
                #expect(await busy.value.reply?.hasPrefix("250 ") == true)
                #expect(try server.storedMessages().count == 1)
            }
        }
    }

    @Test func aMessageThatWaitedPastItsStartDeadlineIsGivenBackUnsent() async throws {
        let clock = ManualClock(Instant(microsecondsSinceEpoch: 1_795_000_000_000_000))
        try await SMTPTestServer.with(.init(requireStartTLS: true, holdsData: true)) { server async throws in
            let configuration = try await Self.configuration(port: server.port, connections: 1)
            try await Self.withTransport(configuration, clock: clock) { transport async throws in
                let (first, second, third) = (Self.message(1), Self.message(2), Self.message(3))
                let busy = Task { await transport.send(first, envelope: Self.envelope) }
                try await eventually { transport.messagesInFlight == 1 }
                // Message 2 may start within a second, but the only connection is held until after that.
                let late = Task {
                    await transport.send(second, envelope: Self.envelope, startBy: clock.now.adding(seconds: 1))
                }
                try await eventually { transport.messagesWaiting == 1 }
                clock.advance(seconds: 2)
                try server.releaseHeldData()
                #expect(await late.value == nil)
                // One whose deadline leaves room goes out on the same connection.
                let inTime = await transport.send(
                    third, envelope: Self.envelope, startBy: clock.now.adding(seconds: 30))
                #expect(inTime?.reply?.hasPrefix("250 ") == true, "\(String(describing: inTime))")
                #expect(await busy.value.reply?.hasPrefix("250 ") == true)
                let stored = try server.storedMessages()
                #expect(Set(stored.values) == [first, third], "\(stored.count) stored")
                #expect(transport.connectionsOpened == 1)
            }
        }
    }

    @Test func sendingAfterShutdownIsTransient() async throws {
        let transport = try SMTPTransport(
            configuration: await Self.configuration(port: try unusedLoopbackPort()), logger: Self.quiet)
        await transport.shutdown()
        let outcome = await transport.send(Self.message(), envelope: Self.envelope)
        #expect(outcome == SMTPTransport.shutDownOutcome)
        await transport.shutdown()
    }

    @Test func anEnvelopeThatWouldInjectCommandsIsRefusedLocally() async throws {
        try await Self.withTransport(Self.configuration(port: try unusedLoopbackPort())) { transport async throws in
            for envelope in [
                SMTPEnvelope(from: "billing@merchant.example", recipients: ["a@example.org>\r\nRCPT TO:<b@example.org"]),
                SMTPEnvelope(from: "billing@merchant.example\r\nRSET", recipients: ["a@example.org"]),
                SMTPEnvelope(from: "billing@merchant.example", recipients: []),
            ] {
                let outcome = await transport.send(Self.message(), envelope: envelope)
                guard case .permanentFailure(reply: "", _) = outcome else {
                    Issue.record("expected a local permanent failure, got \(outcome)")
                    continue
                }
            }
        }
    }

    @Test func logsAboveDebugNeverShowAddressesPasswordsOrReplies() async throws {
        let capture = LogCapture()
        try await SMTPTestServer.with(
            .init(requireStartTLS: true, auth: "mailer:hunter2-secret", replies: ["550:5.1.1 <consumer@example.org> unknown"])
        ) { server async throws in
            let good = try await Self.configuration(port: server.port, username: "mailer", password: "hunter2-secret")
            try await Self.withTransport(good, logger: capture.logger()) { transport async throws in
                _ = await transport.send(Self.message(1), envelope: Self.envelope)  // 550
                _ = await transport.send(Self.message(2), envelope: Self.envelope)  // 250
            }
            let bad = try await Self.configuration(port: server.port, username: "mailer", password: "wrong-secret")
            try await Self.withTransport(bad, logger: capture.logger()) { transport async throws in
                _ = await transport.send(Self.message(3), envelope: Self.envelope)  // 535
            }
        }
        let records = capture.records
        #expect(records.contains { $0.level == .notice })  // the 550
        #expect(records.contains { $0.level == .error })  // the rejected login
        for record in records where record.level > .debug {
            for secret in ["consumer@example.org", "billing@merchant.example", "hunter2-secret", "wrong-secret"] {
                #expect(!record.text.contains(secret), "\(record.level): \(record.text)")
            }
        }
        #expect(records.contains { $0.level == .debug && $0.text.contains("consumer@example.org") })
    }
}
