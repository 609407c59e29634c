import Foundation
import Storage
import Testing

@Suite("Timestamp text")
struct TimestampTests {
    @Test("formats UTC with milliseconds and parses it back")
    func roundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_764_053_999.987)
        let text = Timestamp.format(date)
        #expect(text == "2025-11-25T06:59:59.987Z")
        let parsed = try #require(Timestamp.parse(text))
        #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0005)
    }

    @Test("parses PostgreSQL's output and explicit offsets")
    func otherForms() throws {
        #expect(Timestamp.parse("2025-11-25 06:59:59.5+00")?.timeIntervalSince1970 == 1_764_053_999.5)
        #expect(Timestamp.parse("2025-11-25T08:59:59+02:00")?.timeIntervalSince1970 == 1_764_053_999)
        #expect(Timestamp.parse("2025-11-25T06:59:59Z")?.timeIntervalSince1970 == 1_764_053_999)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2026-13-45T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-01-01T25:00:00Z") == nil)
        #expect(Timestamp.parse("2025-11-25T06:59:59 junk") == nil)
    }
}
