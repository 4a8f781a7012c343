import ConsentRules
import Foundation
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

    /// What Python's standard email parser makes of the bytes: the check a real mail client would do.
    static func parsedByPython(_ bytes: [UInt8]) throws -> [String: String] {
        let script = """
            import email, email.policy, json, sys
            m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
            parts = {p.get_content_type(): p.get_content().replace("\\r\\n", "\\n") for p in m.iter_parts()}
            print(json.dumps({"subject": str(m["subject"]), "from": str(m["from"]), "to": str(m["to"]),
                "reply-to": str(m["reply-to"]), "message-id": str(m["message-id"]), "date": str(m["date"]),
                "list-unsubscribe": str(m["list-unsubscribe"]), "type": m.get_content_type(),
                "text": parts.get("text/plain", ""), "html": parts.get("text/html", ""),
                "defects": str(len(m.defects) + sum(len(p.defects) for p in m.iter_parts()))}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
    }

    @Test func aStandardParserReadsBackEveryHeaderAndBothParts() throws {
        let message = try Self.message()
        let parsed = try Self.parsedByPython(message.rendered())
        #expect(parsed["subject"] == message.subject)
        #expect(parsed["from"] == "Žalias Turgus <labas@turgus.example>")
        #expect(parsed["to"] == "Žydrūnė Šimkutė <zydrune@example.com>")
        #expect(parsed["reply-to"] == "pagalba@turgus.example")
        #expect(parsed["message-id"] == "<0193a0f2-1111-7000-8000-000000000001@turgus.example>")
        #expect(parsed["date"] == "Sat, 21 Nov 2026 10:15:07 +0000")
        #expect(parsed["list-unsubscribe"] == "<https://consents.example/cancel/tok>")
        #expect(parsed["type"] == "multipart/alternative")
        #expect(parsed["text"] == "Sveiki, Žydrūnė!\nSuma: 10.23 EUR\n")
        #expect(parsed["html"] == "<p>Sveiki, Žydrūnė!</p>")
        #expect(parsed["defects"] == "0")
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
        let parsed = try Self.parsedByPython(bytes)
        #expect(parsed["text"] == longLine + "\n" + longLine)
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
