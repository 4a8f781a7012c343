import CCurl
import Logging
import Testing

@testable import Notifier

@Suite("SMTP configuration")
struct SMTPConfigurationTests {
    let logger = Logger(label: "smtp-configuration-tests") { _ in SwiftLogNoOpLogHandler() }

    @Test func smtpURLWithUserInfoIsDecodedAndStripped() throws {
        let configuration = try SMTPConfiguration.parse(url: "smtp://mailer%40shop:p%40ss%3Aword@mail.example.com:587")
        #expect(configuration.security == .startTLSRequired)
        #expect(configuration.username == "mailer@shop")
        #expect(configuration.password == "p@ss:word")
        #expect(configuration.url == "smtp://mail.example.com:587/")
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.totalTimeout == .seconds(60))
        #expect(configuration.connections == 4)
    }

    @Test func smtpsMeansImplicitTLS() throws {
        let configuration = try SMTPConfiguration.parse(url: "smtps://mail.example.com:465")
        #expect(configuration.security == .implicitTLS)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
    }

    @Test func theSchemeMustBeSMTP() {
        for url in ["http://mail.example.com", "file:///etc/passwd", "mail.example.com:25", "smtp://", ""] {
            #expect(throws: SMTPConfigurationError.self, "\(url)") { try SMTPConfiguration.parse(url: url) }
        }
    }

    @Test func securityMustFitTheScheme() throws {
        let error = #expect(throws: SMTPConfigurationError.self) {
            try SMTPConfiguration.parse(url: "smtps://mail.example.com:465", security: .startTLSRequired)
        }
        #expect(error?.code == .securityMismatch)
    }

    @Test func plaintextIsOnlyForLoopback() throws {
        for url in ["smtp://127.0.0.1:2525", "smtp://localhost:25", "smtp://LOCALHOST:25", "smtp://[::1]:25"] {
            let configuration = try SMTPConfiguration.parse(url: url, security: .plaintextOnLoopback)
            #expect(configuration.security == .plaintextOnLoopback)
            _ = try SMTPTransport(configuration: configuration, logger: logger)
        }
        for url in [
            "smtp://mail.example.com:25", "smtp://127.0.0.1.example.com:25", "smtp://localhost.example.com:25",
            "smtp://127.0.0.1@mail.example.com:25", "smtp://10.0.0.1:25", "smtp://[::2]:25",
        ] {
            let configuration = SMTPConfiguration(url: url, security: .plaintextOnLoopback)
            let error = #expect(throws: SMTPConfigurationError.self, "\(url)") {
                try SMTPTransport(configuration: configuration, logger: logger)
            }
            #expect(error?.code == .plaintextNotLoopback, "\(url)")
        }
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let configuration = try SMTPConfiguration.parse(url: "smtp://user:s3cret-Pa55@mail.example.com:587")
        #expect(!configuration.description.contains("s3cret-Pa55"))
        #expect(!configuration.url.contains("s3cret-Pa55"))
        #expect(configuration.description.contains("password: set"))
    }

    @Test func credentialsInAHandBuiltURLAreTakenOut() throws {
        let configuration = SMTPConfiguration(url: "smtp://user:pw@mail.example.com:587", security: .startTLSRequired)
        let validated = try configuration.validated()
        #expect(validated.url == "smtp://mail.example.com:587/")
        #expect(validated.username == "user")
        #expect(validated.password == "pw")
    }

    @Test func connectionsAndTimeoutsMustBeSensible() {
        let zero = SMTPConfiguration(url: "smtp://mail.example.com", security: .startTLSRequired, connections: 0)
        #expect(throws: SMTPConfigurationError.self) { try SMTPTransport(configuration: zero, logger: logger) }
        let noTime = SMTPConfiguration(
            url: "smtp://mail.example.com", security: .startTLSRequired, totalTimeout: .zero)
        #expect(throws: SMTPConfigurationError.self) { try SMTPTransport(configuration: noTime, logger: logger) }
    }
}

@Suite("SMTP replies and their classification")
struct SMTPReplyTests {
    func parse(_ text: String) -> SMTPReplyParser {
        var parser = SMTPReplyParser()
        Array(text.utf8).withUnsafeBytes { parser.consume($0) }
        return parser
    }

    @Test func theLastCompleteReplyWins() {
        let parser = parse("250 OK\r\n354 End data\r\n250 2.0.0 Ok: queued as 4A1B\r\n")
        #expect(parser.lastReply == SMTPReply(code: 250, text: "250 2.0.0 Ok: queued as 4A1B"))
        #expect(parser.replies.map(\.code) == [250, 354, 250])
    }

    @Test func multiLineRepliesAreKeptWhole() {
        let parser = parse("550-5.1.1 The account does not exist.\r\n550 5.1.1 See https://example.com/help\r\n")
        #expect(
            parser.lastReply
                == SMTPReply(code: 550, text: "550-5.1.1 The account does not exist.\n550 5.1.1 See https://example.com/help"))
    }

    @Test func repliesArriveInPiecesAndUntrustedBytesAreTamed() {
        var parser = SMTPReplyParser()
        for piece in ["25", "0 queued\u{1B}[31m", " as X\r", "\n"] {
            Array(piece.utf8).withUnsafeBytes { parser.consume($0) }
        }
        #expect(parser.lastReply?.text == "250 queued [31m as X")
        let long = parse("451 " + String(repeating: "x", count: 5000) + "\r\n")
        #expect(long.lastReply?.text.utf8.count == SMTPReplyParser.maximumLineLength)
        #expect(parse("not a reply\r\n").lastReply == nil)
    }

    func attempt(
        _ code: CURLcode, _ responseCode: Int, _ replies: String..., newConnection: Bool = false
    ) -> SMTPAttemptResult {
        SMTPAttemptResult(
            code: code, responseCode: responseCode,
            replies: replies.map { SMTPReply(code: Int($0.prefix(3))!, text: $0) }, curlText: "curl says no",
            newConnections: newConnection ? 1 : 0)
    }

    @Test func classification() {
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_OK, 250, "250 2.0.0 queued")) == .accepted(reply: "250 2.0.0 queued"))
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_OK, 250)) == .accepted(reply: "250"))
        #expect(
            SMTPClassifier.outcome(for: attempt(CURLE_RECV_ERROR, 550, "550 5.7.1 no"))
                == .permanentFailure(reply: "550 5.7.1 no", reason: "the server refused the message (550)"))
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_SEND_ERROR, 553, "553 bad rcpt")).isRetryable == false)
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_RECV_ERROR, 451, "451 later")).reply == "451 later")
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_RECV_ERROR, 451, "451 later")).isRetryable)
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_LOGIN_DENIED, 535, "535 bad")).isRetryable)
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_SEND_ERROR, 530, "530 auth first")).isRetryable)
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_USE_SSL_FAILED, 454, "454 TLS not available")).isRetryable)
        // libcurl 7.88 reports a refused message body as CURLE_WEIRD_SERVER_REPLY.
        #expect(
            SMTPClassifier.outcome(for: attempt(CURLE_WEIRD_SERVER_REPLY, 550, "250 OK", "354 go", "550 no"))
                == .permanentFailure(reply: "550 no", reason: "the server refused the message (550)"))
        // A refused greeting or HELO refuses the session, not the message.
        #expect(
            SMTPClassifier.outcome(for: attempt(CURLE_WEIRD_SERVER_REPLY, 554, "554 go away", newConnection: true))
                .isRetryable)
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_REMOTE_ACCESS_DENIED, 502, "220 hi", "502 no")).isRetryable)
        // libcurl sends QUIT after a failure and reports its 221 too; the reply kept is the one with the code.
        #expect(
            SMTPClassifier.outcome(for: attempt(CURLE_SEND_ERROR, 530, "250 HELP", "530 5.7.0 Auth required", "221 Bye"))
                .reply == "530 5.7.0 Auth required")
        #expect(
            SMTPClassifier.outcome(for: attempt(CURLE_COULDNT_CONNECT, 0))
                == .transientFailure(reply: nil, reason: "curl says no"))
        // A reply seen earlier in the transfer is not blamed for a later network failure.
        #expect(SMTPClassifier.outcome(for: attempt(CURLE_OPERATION_TIMEDOUT, 354, "354 go ahead")).reply == nil)
    }
}
