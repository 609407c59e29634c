import Foundation
import Ingest
import TestSupport
import Testing

@Suite("Remembered import offsets")
struct ImportOffsetsTests {
    @Test("offsets survive a reload, per destination; a shorter file starts over")
    func remember() throws {
        let file = try TestPaths.temporaryDirectory("cci-offsets").appendingPathComponent("state/offsets.json")
        var a = try ImportOffsets(file: file, destination: "sqlite:/a.db")
        #expect(a.start(for: "/p/s.jsonl", size: 500) == 0)
        a.record(400, for: "/p/s.jsonl")
        try a.save()
        var b = try ImportOffsets(file: file, destination: "server:http://h:8080")
        b.record(100, for: "/p/s.jsonl")
        try b.save()

        let reloaded = try ImportOffsets(file: file, destination: "sqlite:/a.db")
        #expect(reloaded.start(for: "/p/s.jsonl", size: 500) == 400)
        #expect(reloaded.start(for: "/p/s.jsonl", size: 400) == 400, "nothing new")
        #expect(reloaded.start(for: "/p/s.jsonl", size: 399) == 0, "replaced or truncated: from the start")
        #expect(try ImportOffsets(file: file, destination: "server:http://h:8080").start(for: "/p/s.jsonl", size: 500) == 100)

        var forgetful = reloaded
        forgetful.forgetAll()
        #expect(forgetful.start(for: "/p/s.jsonl", size: 500) == 0)
    }

    @Test("a damaged state file is an error naming it, and is left as it was")
    func damaged() throws {
        let file = try TestPaths.temporaryDirectory("cci-offsets").appendingPathComponent("offsets.json")
        try Data("{not json".utf8).write(to: file)
        #expect {
            _ = try ImportOffsets(file: file, destination: "x")
        } throws: { error in
            "\(error)".contains(file.path) && "\(error)".contains("--state")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "{not json")
    }
}

@Suite("Import progress and summary")
struct ImportTallyTests {
    @Test("the bar shows files, lines, megabytes, rate and time left")
    func progressLine() {
        var tally = ImportTally()
        tally.files = 12
        tally.filesDone = 3
        tally.counts.lines = 12034
        tally.bytesTotal = 20 * 1_048_576
        tally.bytesDone = 5 * 1_048_576
        #expect(tally.progressLine(elapsed: .seconds(2), barWidth: 8)
            == "[##......] 3/12 files  12034 lines  5.0/20.0 MB  2.5 MB/s  ETA 0:06")
        tally.bytesDone = 0
        #expect(tally.progressLine(elapsed: .zero, barWidth: 8).hasSuffix("ETA --:--"))
    }

    @Test("the summary counts files, sessions, entries, malformed lines, redactions and time")
    func summary() {
        var tally = ImportTally()
        tally.files = 3
        tally.unchanged = 1
        tally.filesDone = 1
        tally.bytesDone = 1_048_576
        var result = TranscriptFileImporter.FileResult(path: "/p/s.jsonl")
        result.counts.sessions = ["s1", "s2"]
        result.counts.lines = 10
        result.counts.inserted = 8
        result.counts.duplicates = 2
        result.counts.malformed = 1
        result.counts.redactions = 4
        tally.add(result)
        var failed = TranscriptFileImporter.FileResult(path: "/p/bad.jsonl")
        failed.error = "line 3 is not valid UTF-8"
        tally.add(failed)
        #expect(tally.summary(elapsed: .milliseconds(1500))
            == "imported 2 of 3 files (1 unchanged): 2 sessions, 10 lines, 8 new entries, 2 already stored, "
            + "1 malformed lines, 4 redactions, 1.0 MB in 1.5 s")
        #expect(ImportTally.fileLine(result) == "/p/s.jsonl: 10 lines, 8 new, 2 already stored, 1 malformed, 4 redactions")
        #expect(ImportTally.fileLine(failed) == "skipped /p/bad.jsonl: line 3 is not valid UTF-8")
    }
}
