import Foundation
import Logging
import TestSupport
import Testing

@testable import Notifier

/// The Notifier's own tests cover STARTTLS refused when the server offers none, and a STARTTLS server whose CA
/// is unknown. This covers the remaining path: implicit TLS (`smtps://`) to a server whose certificate a CA
/// the notifier does not trust signed is refused before any SMTP command, and the message is not delivered.
@Suite struct SMTPImplicitTLSTrustTests {
    @Test func implicitTLSUnderAnUnrelatedCAIsRefusedAndDeliversNothing() async throws {
        let certificates = try await TestCertificates.shared()
        try await SMTPTestServer.with(.init(implicitTLS: true)) { server async throws in
            let message = Array(
                "From: <billing@merchant.example>\r\nTo: <consumer@example.org>\r\nSubject: t\r\n\r\nbody\r\n".utf8)
            let envelope = SMTPEnvelope(from: "billing@merchant.example", recipients: ["consumer@example.org"])
            for (caFile, trusted) in [(certificates.unrelatedCAFile, false), (certificates.caFile, true)] {
                let transport = try SMTPTransport(
                    configuration: SMTPConfiguration(
                        url: "smtps://127.0.0.1:\(server.port)", security: .implicitTLS, caFile: caFile,
                        connectTimeout: .seconds(5), totalTimeout: .seconds(20), connections: 1),
                    logger: Logger(label: "smtp-trust") { _ in SwiftLogNoOpLogHandler() })
                let outcome = await transport.send(message, envelope: envelope)
                await transport.shutdown()
                if trusted {
                    // The same server under the CA that signed it: the refusal above was about trust alone.
                    #expect(outcome.reply?.hasPrefix("250 ") == true, "\(outcome)")
                } else {
                    guard case .transientFailure(_, let reason) = outcome else {
                        Issue.record("expected a refusal, got \(outcome)")
                        continue
                    }
                    #expect(reason.lowercased().contains("certificate"), "\(reason)")
                    #expect(try server.storedMessages().isEmpty)
                }
            }
            #expect(try server.storedMessages().count == 1)
        }
    }
}
