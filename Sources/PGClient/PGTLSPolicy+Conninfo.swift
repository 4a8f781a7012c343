import CLibPQ
import Foundation

extension PGTLSPolicy {
    /// The policy for a conninfo as libpq will read it: its own parameters (`PQconninfoParse`), and for each
    /// one it leaves out, the environment variable libpq falls back to (`PGHOST`, `PGHOSTADDR`, `PGSSLMODE`,
    /// `PGREQUIRESSL`, `PGSERVICE`).
    public static func forConninfo(
        _ conninfo: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PGTLSPolicy {
        guard let parameters = parameters(of: conninfo) else {
            // libpq will refuse it too; until then nothing is known, so nothing is local.
            return decide(servers: nil, configuredMode: nil)
        }
        func value(_ keyword: String, _ variable: String) -> String? {
            parameters[keyword] ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        var mode = value("sslmode", "PGSSLMODE")
        if mode == nil, environment["PGREQUIRESSL"]?.hasPrefix("1") == true {
            mode = "require"
        }
        guard value("service", "PGSERVICE") == nil else {
            return decide(servers: nil, configuredMode: mode)
        }
        return decide(servers: servers(host: value("host", "PGHOST"), hostaddr: value("hostaddr", "PGHOSTADDR")), configuredMode: mode)
    }

    /// libpq pairs the comma-separated lists by position; an empty element is that server's default.
    static func servers(host: String?, hostaddr: String?) -> [Server] {
        func list(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let hosts = list(host)
        let addresses = list(hostaddr)
        return (0..<max(hosts.count, addresses.count)).map { index in
            Server(
                host: index < hosts.count ? hosts[index] : "",
                hostaddr: index < addresses.count ? addresses[index] : "")
        }
    }

    /// The parameters a conninfo sets itself, or nil when libpq cannot read it. Like libpq, a string that is
    /// neither a URL nor holds a `=` is only a database name.
    static func parameters(of conninfo: String) -> [String: String]? {
        guard conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") || conninfo.contains("=") else {
            return [:]
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var parameters: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return parameters
    }
}
