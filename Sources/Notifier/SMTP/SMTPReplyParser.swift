import CCurl

/// One complete SMTP reply: its code and its text, the lines of a multi-line reply joined by "\n".
struct SMTPReply: Sendable, Equatable {
    let code: Int
    let text: String
}

/// Collects SMTP reply lines (`250-…` continuations, `250 …` final lines) as libcurl hands them over and keeps
/// the complete replies of one transfer in order (the last ``maximumReplies``). Server text is untrusted:
/// lines are capped in length and number and control characters are replaced, so a reply is safe to store.
///
/// The last reply is not always the one that decided the transfer: after a failure libcurl may send QUIT on
/// the same transfer and report its `221` too, so ``SMTPClassifier`` picks the reply by its code.
struct SMTPReplyParser {
    static let maximumLineLength = 512
    static let maximumLines = 16
    static let maximumReplies = 32

    private var line: [UInt8] = []
    private var pending: [String] = []
    private(set) var replies: [SMTPReply] = []

    var lastReply: SMTPReply? { replies.last }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                finishLine()
            } else if line.count < Self.maximumLineLength {
                line.append(byte)
            }
        }
    }

    private mutating func finishLine() {
        defer { line.removeAll(keepingCapacity: true) }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard line.count >= 3, line[0 ..< 3].allSatisfy({ (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }),
            let code = Int(String(decoding: line[0 ..< 3], as: UTF8.self))
        else { return }
        // Replies are stored and logged: no address of a consumer survives into them.
        let text = AddressRedaction.redacting(
            String(decoding: line, as: UTF8.self).unicodeScalars.map { scalar -> String in
                scalar.value < 0x20 || scalar.value == 0x7F ? " " : String(scalar)
            }.joined())
        if line.count > 3, line[3] == UInt8(ascii: "-") {
            if pending.count < Self.maximumLines - 1 { pending.append(text) }
            return
        }
        pending.append(text)
        if replies.count == Self.maximumReplies { replies.removeFirst() }
        replies.append(SMTPReply(code: code, text: pending.joined(separator: "\n")))
        pending.removeAll()
    }
}

/// Turns what libcurl reported into an ``SMTPOutcome``. A pure function of its input, tested without a server.
enum SMTPClassifier {
    static func outcome(for attempt: SMTPAttemptResult) -> SMTPOutcome {
        let code = attempt.responseCode
        // The reply that carried the code libcurl reports (the latest one with that code); a bare code when
        // its text was not seen.
        let reply: String? =
            if code == 0 { nil } else { attempt.replies.last(where: { $0.code == code })?.text ?? String(code) }

        if attempt.code == CURLE_OK {
            return .accepted(reply: reply ?? "250")
        }
        let failingReply = code >= 400 ? reply : nil
        if attempt.code == CURLE_USE_SSL_FAILED {
            return .transientFailure(
                reply: failingReply,
                reason: "the server did not accept STARTTLS, which is required; nothing was sent without TLS"
            )
        }
        if attempt.code == CURLE_LOGIN_DENIED || code == 530 {
            // A rejected login (535) or a server demanding one (530) is about our credentials, not this
            // message: failing the message would lose it to an operator's mistake. Retry once that is fixed.
            return .transientFailure(
                reply: failingReply,
                reason: "the SMTP server rejected the login or requires one; check the SMTP credentials"
            )
        }
        if attempt.code == CURLE_REMOTE_ACCESS_DENIED
            || (attempt.newConnections > 0 && attempt.replies.first?.code == code && code >= 400)
        {
            // The greeting (the first reply on a new connection) or HELO was refused: the server turned the
            // session down before it saw this message.
            return .transientFailure(
                reply: failingReply,
                reason: "the server refused the SMTP session (\(code)): \(AddressRedaction.redacting(attempt.curlText))")
        }
        switch code {
        case 500 ..< 600:
            // A 5xx to MAIL, RCPT, DATA or the message itself: the server judged this message, so it is final.
            return .permanentFailure(reply: reply ?? String(code), reason: "the server refused the message (\(code))")
        case 400 ..< 500:
            return .transientFailure(reply: failingReply, reason: "the server deferred the message (\(code))")
        default:
            return .transientFailure(reply: nil, reason: AddressRedaction.redacting(attempt.curlText))
        }
    }
}
