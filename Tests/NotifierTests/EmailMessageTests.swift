import ConsentRules
import Foundation
import TestSupport
import Testing

@testable import Notifier

@Suite struct EmailMessageTests {
    static func message(text: String = "Sveiki, Žydrūnė!\nSuma: 10.23 EUR\n", html: String = "<p>Sveiki, Žydrūnė!</p>")
        throws -> EmailMessage
    {
        EmailMessage(
            from: try #require(MailAddress(parsing: "Žalias Turgus <labas@turgus.example>")),
            to: MailAddress(name: "Žydrūnė Šimkutė", address: "zydrune@example.com"),
            replyTo: MailAddress(name: nil, address: "pagalba@turgus.example"),
            subject: "Jūsų periodinių mokėjimų sutartis su Žalias Turgus — patvirtinimas, kurį verta išsaugoti",
            date: try #require(Instant(rfc3339: "2026-11-21T10:15:07Z")),
            messageId: "0193a0f2-1111-7000-8000-000000000001@turgus.example",
            listUnsubscribe: "https://consents.example/cancel/tok", text: text, html: html)
    }

    @Test func aStandardParserReadsBackEveryHeaderAndBothParts() throws {
        let message = try Self.message()
        let parsed = try ParsedEmail.parse(message.rendered())
        #expect(parsed.headers["Subject"] == message.subject)
        #expect(parsed.headers["From"] == "Žalias Turgus <labas@turgus.example>")
        #expect(parsed.headers["To"] == "Žydrūnė Šimkutė <zydrune@example.com>")
        #expect(parsed.headers["Reply-To"] == "pagalba@turgus.example")
        #expect(parsed.headers["Message-ID"] == "<0193a0f2-1111-7000-8000-000000000001@turgus.example>")
        #expect(parsed.headers["Date"] == "Sat, 21 Nov 2026 10:15:07 +0000")
        #expect(parsed.headers["List-Unsubscribe"] == "<https://consents.example/cancel/tok>")
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
        #expect(parsed.part("text/plain") == "Sveiki, Žydrūnė!\nSuma: 10.23 EUR\n")
        #expect(parsed.part("text/html") == "<p>Sveiki, Žydrūnė!</p>")
        #expect(parsed.defects.isEmpty)
    }

    @Test func linesEndInCRLFAndStayWithinTheLimits() throws {
        let longLine = String(repeating: "ąčęėįšųūž ", count: 40) + "end "
        let bytes = try Self.message(text: longLine + "\n" + longLine, html: longLine).rendered()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "\(line)")
            #expect(line.utf8.allSatisfy { $0 < 0x80 }, "8-bit byte in \(line)")
        }
        let parsed = try ParsedEmail.parse(bytes)
        #expect(parsed.part("text/plain") == longLine + "\n" + longLine)
    }

    @Test func theSameMessageRendersToTheSameBytes() throws {
        #expect(try Self.message().rendered() == Self.message().rendered())
    }

    @Test func quotedPrintableEncodesTrailingWhiteSpaceAndEqualsSigns() {
        #expect(QuotedPrintable.encode("a = b \nc\t") == "a =3D b=20\r\nc=09")
        #expect(QuotedPrintable.encode("ž") == "=C5=BE")
    }

    @Test func encodedWordsNeverSplitACharacter() {
        let words = EncodedWord.words(String(repeating: "ž", count: 100))
        #expect(words.count > 1)
        for word in words {
            #expect(word.count <= EncodedWord.maxWordLength)
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let decoded = Data(base64Encoded: String(base64)).map { String(decoding: $0, as: UTF8.self) }
            #expect(decoded?.allSatisfy { $0 == "ž" } == true)
        }
    }

    @Test(arguments: [
        ("Shop One <hello@shop.example>", "Shop One", "hello@shop.example"),
        ("\"Shop, Inc.\" <a@b.example>", "Shop, Inc.", "a@b.example"),
        ("plain@b.example", nil, "plain@b.example"),
    ])
    func senderAddressesParse(text: String, name: String?, address: String) throws {
        let parsed = try #require(MailAddress(parsing: text))
        #expect(parsed.name == name)
        #expect(parsed.address == address)
    }
}
