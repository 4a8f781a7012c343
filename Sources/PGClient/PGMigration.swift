import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One schema change, read from a file named `NNNN_name.sql`.
public struct PGMigration: Sendable {
    public let version: Int
    /// The part of the file name after the version, e.g. "consents" for `0002_consents.sql`.
    public let name: String
    public let sql: String
    /// Hex SHA-256 of the file's bytes, recorded when applied so later edits are caught.
    public var checksum: String
    /// The file it came from, for messages.
    public let fileName: String

    public init(version: Int, name: String, sql: String, fileName: String? = nil) {
        self.init(version: version, name: name, sql: sql, bytes: Array(sql.utf8), fileName: fileName)
    }

    private init(version: Int, name: String, sql: String, bytes: [UInt8], fileName: String?) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = PGHex.encode(Array(SHA256.hash(data: bytes)))
        self.fileName = fileName ?? Self.fileName(version: version, name: name)
    }

    private static func fileName(version: Int, name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name + ".sql"
    }

    /// Reads every `*.sql` file in `directory`, sorted by version. Other files are ignored; a `.sql` file
    /// whose name is not `NNNN_name.sql`, two files with one version, or a file that is not UTF-8 is an error.
    public static func load(directory: String) throws -> [PGMigration] {
        let fileNames: [String]
        do {
            fileNames = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PGError(.migrationFailed, context: "cannot list the migrations directory \(directory)")
        }
        var migrations: [PGMigration] = []
        for fileName in fileNames.sorted() where fileName.hasSuffix(".sql") && !fileName.hasPrefix(".") {
            let (version, name) = try parse(fileName: fileName)
            let path = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PGError(.migrationFailed, context: "cannot read migration \(fileName)")
            }
            let bytes = [UInt8](data)
            guard let sql = String(validating: bytes, as: UTF8.self) else {
                throw PGError(.migrationFailed, context: "migration \(fileName) is not valid UTF-8")
            }
            migrations.append(PGMigration(version: version, name: name, sql: sql, bytes: bytes, fileName: fileName))
        }
        migrations.sort { $0.version < $1.version }
        try checkVersionsAreUnique(migrations)
        return migrations
    }

    static func checkVersionsAreUnique(_ sorted: [PGMigration]) throws {
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.version == later.version {
            throw PGError(
                .migrationFailed,
                context: "migrations \(earlier.fileName) and \(later.fileName) share version \(later.version)")
        }
    }

    private static func parse(fileName: String) throws -> (version: Int, name: String) {
        let stem = fileName.dropLast(".sql".count)
        let digits = stem.prefix { $0.isASCII && $0.isNumber }
        let rest = stem.dropFirst(digits.count)
        guard !digits.isEmpty, let version = Int(digits), rest.first == "_", rest.count > 1,
              rest.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else {
            throw PGError(.migrationFailed, context: "migration file \(fileName) is not named NNNN_name.sql")
        }
        return (version, String(rest.dropFirst()))
    }
}
