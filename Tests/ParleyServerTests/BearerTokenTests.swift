import Testing

@testable import ParleyServer

@Suite("Bearer token header")
struct BearerTokenTests {
    @Test(arguments: [
        ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER abc", "abc"), ("BeArEr abc", "abc"),
        ("Bearer   abc  ", "abc"), ("Bearer \tabc\t", "abc"), ("Bearer a b", "a b"), ("Bearer é", "é"),
    ])
    func theTokenAfterTheSchemeIsRead(_ header: String, _ token: String) {
        #expect(BearerToken.parse(header) == token)
    }

    @Test(arguments: [
        "", "Bearer", "Bearer ", "Bearer    ", "Bearer \t ", "Basic abc", "Bearerabc", "xBearer abc",
        "Bearer\tabc", "Béarer abc",
    ])
    func anotherSchemeOrAnEmptyTokenGivesNone(_ header: String) {
        #expect(BearerToken.parse(header) == nil)
    }
}
