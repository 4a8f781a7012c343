import ConsentRules
import Foundation

/// A message as Python's standard `email` package reads it (policy `default`: RFC 5322 and RFC 2047 decoding,
/// strict enough to report defects). Each header is decoded to text; each leaf part's content is decoded
/// from its transfer encoding and charset.
struct ParsedEmail {
    let headers: [String: String]
    let contentType: String
    let parts: [(type: String, content: String)]
    let defects: [String]

    static let program = """
        import email, email.policy, json, sys
        message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        parts = [{"type": p.get_content_type(), "content": p.get_content()} for p in message.walk() if not p.is_multipart()]
        defects = [type(d).__name__ for p in message.walk() for d in p.defects]
        for name in message.keys():
            defects += [type(d).__name__ for d in message[name].defects]
        print(json.dumps({"headers": {k: str(v) for k, v in message.items()}, "contentType": message.get_content_type(),
                          "parts": parts, "defects": defects}))
        """

    static func parse(_ bytes: [UInt8]) throws -> ParsedEmail {
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
        let json = try JSONValue.parse(Array(data))
        guard case .object(let headerValues)? = json["headers"], case .array(let partValues)? = json["parts"],
            case .array(let defectValues)? = json["defects"]
        else { throw ParseFailure() }
        return ParsedEmail(
            headers: headerValues.compactMapValues(\.stringValue),
            contentType: json["contentType"]?.stringValue ?? "",
            parts: partValues.map { ($0["type"]?.stringValue ?? "", $0["content"]?.stringValue ?? "") },
            defects: defectValues.compactMap(\.stringValue))
    }

    struct ParseFailure: Error {}

    func part(_ type: String) -> String? { parts.first { $0.type == type }?.content }
}
