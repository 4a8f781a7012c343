import Testing

@testable import ConsentService

/// The `Authorization` header's scheme is matched without regard to case (RFC 9110, 11.1), and nothing that
/// merely resembles "Bearer" passes.
@Suite struct BearerTokenTests {
    @Test func theSchemeMatchesInAnyCase() {
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            #expect(APIKey.bearerToken("\(scheme) csk_abc") == "csk_abc", "\(scheme)")
        }
        #expect(APIKey.bearerToken("Bearer   csk_abc  ") == "csk_abc", "spaces around the token are dropped")
    }

    @Test func otherSchemesAndLookAlikesAreRefused() {
        for header in [
            "Basic csk_abc", "Bearer", "Bearer ", "Bearerx csk_abc", "Beare csk_abc", "Bea\u{0}er csk_abc",
            "Bear\u{40}r csk_abc", "Be@rer csk_abc", " Bearer csk_abc", "Bearér csk_abc",
        ] {
            #expect(APIKey.bearerToken(header) == nil, "\(header.debugDescription)")
        }
        #expect(APIKey.bearerToken(nil) == nil)
        #expect(APIKey.bearerToken("Bearer " + String(repeating: "k", count: 201)) == nil, "longer than 200 bytes")
        #expect(APIKey.bearerToken("Bearer " + String(repeating: "k", count: 200)) != nil)
    }
}
