import ConsentRules
import Foundation

/// One email as handed to the SMTP server: RFC 5322 headers, a multipart/alternative body of text and HTML in
/// quoted-printable, CRLF line ends throughout. The same message renders to the same bytes on every attempt,
/// so the SHA-256 kept as evidence is the SHA-256 of what was sent.
public struct EmailMessage: Sendable {
    public let from: MailAddress
    public let to: MailAddress
    public let replyTo: MailAddress?
    public let subject: String
    public let date: Instant
    /// Without angle brackets: `id@domain`.
    public let messageId: String
    public let listUnsubscribe: String?
    public let text: String
    public let html: String

    public init(
        from: MailAddress, to: MailAddress, replyTo: MailAddress?, subject: String, date: Instant, messageId: String,
        listUnsubscribe: String?, text: String, html: String
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.date = date
        self.messageId = messageId
        self.listUnsubscribe = listUnsubscribe
        self.text = text
        self.html = html
    }

    /// `=_` never occurs in quoted-printable output, so the boundary cannot collide with the body.
    var boundary: String {
        "=_" + Digest.sha256Hex(Array(messageId.utf8)).prefix(32)
    }

    public func rendered() -> [UInt8] {
        var headers = [
            HeaderFolding.line("Date", RFC5322Date.format(date)),
            HeaderFolding.line("From", from.header),
            HeaderFolding.line("To", to.header),
        ]
        if let replyTo { headers.append(HeaderFolding.line("Reply-To", replyTo.header)) }
        headers += [
            HeaderFolding.line("Subject", EncodedWord.encode(subject)),
            HeaderFolding.line("Message-ID", "<\(messageId)>"),
        ]
        if let listUnsubscribe { headers.append(HeaderFolding.line("List-Unsubscribe", "<\(listUnsubscribe)>")) }
        headers += [
            "MIME-Version: 1.0",
            HeaderFolding.line("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""),
        ]
        var lines = headers
        lines.append("")
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += [
                "--\(boundary)",
                "Content-Type: \(type); charset=UTF-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                QuotedPrintable.encode(body),
            ]
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}

/// The date-time of RFC 5322 §3.3, always in UTC: `Sat, 21 Nov 2026 10:15:00 +0000`.
enum RFC5322Date {
    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ instant: Instant) -> String {
        let day = instant.utcDate
        let secondsOfDay = Int(((instant.microsecondsSinceEpoch / 1_000_000) % 86_400 + 86_400) % 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[day.isoWeekday - 1]), \(two(day.day)) \(months[day.month - 1]) \(day.year) "
            + "\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60)) +0000"
    }
}
