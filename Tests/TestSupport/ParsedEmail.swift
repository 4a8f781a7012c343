import Foundation

/// A message as Python's standard `email` package reads it (policy `default`: RFC 5322 and RFC 2047 decoding,
/// reporting defects): the check a real mail client would make. Headers are decoded to text, each leaf part's
/// content from its transfer encoding and charset, with line ends as `\n`.
public struct ParsedEmail: Sendable {
    public let headers: [String: String]
    public let contentType: String
    public let parts: [Part]
    public let defects: [String]

    public struct Part: Sendable {
        public let type: String
        public let content: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static let program = """
        import email, email.policy, json, sys
        message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        leaves = [p for p in message.walk() if not p.is_multipart()]
        parts = [{"type": p.get_content_type(), "content": p.get_content().replace("\\r\\n", "\\n")} for p in leaves]
        defects = [type(d).__name__ for p in message.walk() for d in p.defects]
        for name in message.keys():
            defects += [type(d).__name__ for d in message[name].defects]
        print(json.dumps({"headers": {k: str(v) for k, v in message.items()}, "contentType": message.get_content_type(),
                          "parts": parts, "defects": defects}))
        """

    public static func parse(_ bytes: [UInt8]) throws -> ParsedEmail {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let headers = json["headers"] as? [String: String], let parts = json["parts"] as? [[String: String]],
            let defects = json["defects"] as? [String]
        else { throw Failure(description: "python3's email parser could not read the message") }
        return ParsedEmail(
            headers: headers, contentType: json["contentType"] as? String ?? "",
            parts: parts.map { Part(type: $0["type"] ?? "", content: $0["content"] ?? "") }, defects: defects)
    }

    public func part(_ type: String) -> String? { parts.first { $0.type == type }?.content }
}
