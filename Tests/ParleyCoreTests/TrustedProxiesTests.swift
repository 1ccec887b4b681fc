import ParleyCore
import Testing

@Suite("Trusted proxies")
struct TrustedProxiesTests {
    @Test func addressesAndRangesOfBothFamiliesAreRecognised() throws {
        let proxies = try TrustedProxies.parse("127.0.0.1, 10.0.0.0/8,fd00::/8 , ::1")
        #expect(proxies.contains("127.0.0.1"))
        #expect(proxies.contains("10.20.30.40"))
        #expect(proxies.contains("fd12::5"))
        #expect(proxies.contains("::1"))
        #expect(proxies.contains("::ffff:10.1.2.3"))
        #expect(!proxies.contains("127.0.0.2"))
        #expect(!proxies.contains("11.0.0.1"))
        #expect(!proxies.contains("fe80::1"))
        #expect(!proxies.contains("not an address"))
    }

    @Test func anEntryThatIsNotAnAddressStopsTheStart() {
        #expect(throws: ConfigurationError.self) { try TrustedProxies.parse("10.0.0.0/33") }
        #expect(throws: ConfigurationError.self) { try TrustedProxies.parse("proxy.example") }
        #expect(throws: ConfigurationProblems.self) {
            try ParleyConfiguration.fromEnvironment(["TRUSTED_PROXIES": "x"])
        }
    }

    @Test func theClientIsTheNearestForwardedAddressThatIsNotAProxy() throws {
        let proxies = try TrustedProxies.parse("10.0.0.0/8")
        // A client may prepend anything; only what the proxies appended is believed.
        #expect(
            proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["6.6.6.6, 203.0.113.7, 10.0.0.9"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["203.0.113.7", "10.0.0.9"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: []) == "10.0.0.5")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["garbage"]) == "10.0.0.5")
    }

    @Test func forwardedAddressesFromAnyoneElseAreIgnored() throws {
        let proxies = try TrustedProxies.parse("10.0.0.0/8")
        #expect(proxies.clientAddress(peer: "198.51.100.2", forwardedFor: ["203.0.113.7"]) == "198.51.100.2")
        #expect(TrustedProxies.none.clientAddress(peer: "127.0.0.1", forwardedFor: ["1.2.3.4"]) == "127.0.0.1")
    }
}
