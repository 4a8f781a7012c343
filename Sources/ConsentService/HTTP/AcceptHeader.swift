import Hummingbird

/// Which of the media types an endpoint can answer in the client's `Accept` header prefers (RFC 9110, 12.5.1):
/// the highest quality wins, an exact type beats `type/*` beats `*/*` for the same type, and ties go to the
/// endpoint's first. No header, or one that names none of them, gets the first.
enum AcceptHeader {
    static func preferred(_ offered: [String], in request: Request) -> String {
        guard let first = offered.first else { return "" }
        let header = request.headers[values: .accept].joined(separator: ",")
        guard !header.isEmpty else { return first }
        let ranges = header.split(separator: ",").map(MediaRange.init)
        var best = (type: first, quality: -1.0)
        for type in offered {
            let quality = self.quality(of: type, in: ranges)
            if quality > best.quality { best = (type, quality) }
        }
        return best.quality > 0 ? best.type : first
    }

    private struct MediaRange {
        let type: String
        let quality: Double

        init(_ text: Substring) {
            let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            type = parts.first ?? ""
            quality = parts.dropFirst().compactMap { parameter -> Double? in
                guard parameter.hasPrefix("q=") else { return nil }
                return Double(parameter.dropFirst(2))
            }.first ?? 1
        }

        /// 3 for an exact match, 2 for `type/*`, 1 for `*/*`, 0 for none.
        func specificity(for offered: String) -> Int {
            if type == offered { return 3 }
            if type.hasSuffix("/*"), offered.hasPrefix(type.dropLast()) { return 2 }
            return type == "*/*" ? 1 : 0
        }
    }

    private static func quality(of type: String, in ranges: [MediaRange]) -> Double {
        let matching = ranges.map { ($0, $0.specificity(for: type)) }.filter { $0.1 > 0 }
        guard let most = matching.map(\.1).max() else { return 0 }
        return matching.filter { $0.1 == most }.map(\.0.quality).max() ?? 0
    }
}
