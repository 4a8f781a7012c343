import Crypto
import Foundation

/// Where the personal data keys come from (see README, "Personal data at rest"): `PERSONAL_DATA_KEYS`, else the
/// file `PERSONAL_DATA_KEYS_FILE`, else, only for the embedded database, a key file the service makes beside
/// its data on first start. Each entry is `id:base64-of-32-bytes`; the first one seals new data.
enum PersonalDataKeySource: Sendable, Equatable {
    case inline(String)
    case file(String)
    case embeddedFile(String)

    static let embeddedFileName = "personal-data.keys"

    static func read(_ reader: EnvironmentReader, databaseURL: String?, dataDirectory: String) throws
        -> PersonalDataKeySource
    {
        if let inline = reader.value("PERSONAL_DATA_KEYS") {
            guard reader.value("PERSONAL_DATA_KEYS_FILE") == nil else {
                throw ConfigurationError(message: "set PERSONAL_DATA_KEYS or PERSONAL_DATA_KEYS_FILE, not both")
            }
            return .inline(inline)
        }
        if let path = reader.value("PERSONAL_DATA_KEYS_FILE") { return .file(path) }
        guard databaseURL == nil else {
            throw ConfigurationError(
                message: "with DATABASE_URL set, PERSONAL_DATA_KEYS or PERSONAL_DATA_KEYS_FILE must name the keys personal data is sealed with")
        }
        return .embeddedFile(dataDirectory + "/" + embeddedFileName)
    }

    func keyring() throws -> PersonalDataKeyring {
        switch self {
        case .inline(let text):
            return try Self.parse(text.split(separator: ",").map(String.init), origin: "PERSONAL_DATA_KEYS")
        case .file(let path):
            return try Self.parse(Self.lines(of: path), origin: path)
        case .embeddedFile(let path):
            if !FileManager.default.fileExists(atPath: path) { try Self.createKeyFile(at: path) }
            return try Self.parse(Self.lines(of: path), origin: path)
        }
    }

    /// A new key entry, `id:base64`, for `personal-data new-key` and the embedded key file.
    static func newEntry(id: String) -> String {
        let key = SymmetricKey(size: .bits256)
        return id + ":" + key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    static func isValidKeyId(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            }
    }

    static func parse(_ entries: [String], origin: String) throws -> PersonalDataKeyring {
        var keys: [(id: String, key: SymmetricKey)] = []
        for raw in entries {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, isValidKeyId(parts[0]) else {
                throw ConfigurationError(
                    message: "\(origin): each personal data key is id:base64, the id 1 to 64 of A-Z a-z 0-9 . _ -")
            }
            guard let bytes = Data(base64Encoded: parts[1]), bytes.count == 32 else {
                throw ConfigurationError(message: "\(origin): personal data key \(parts[0]) is not 32 bytes in base64")
            }
            keys.append((parts[0], SymmetricKey(data: bytes)))
        }
        guard !keys.isEmpty else { throw ConfigurationError(message: "\(origin): no personal data key is listed") }
        return try PersonalDataKeyring(keys: keys)
    }

    private static func lines(of path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(message: "cannot read the personal data key file \(path)")
        }
        return text.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Readable by its owner only, written whole before it gets its name, so a crash leaves no half key file.
    private static func createKeyFile(at path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = "# Personal data keys of the embedded database; the first seals. Keep a copy: without it the\n"
            + "# consumers' names, addresses and IPs in this database cannot be read.\n"
            + newEntry(id: "embedded-1") + "\n"
        let temporary = path + ".new"
        guard FileManager.default.createFile(
            atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError(message: "cannot write the personal data key file \(path)") }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
