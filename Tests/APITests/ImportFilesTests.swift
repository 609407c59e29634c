import Foundation
import Ingest
import TestSupport
import Testing

@Suite("Importing many files")
struct ImportFilesTests {
    /// Takes every line of a slice, recording which files were being stored at once.
    final class RecordingSink: TranscriptSink, @unchecked Sendable {
        let destination = "recording"
        let sliceBytes = 100
        private let lock = NSLock()
        private var active: [String] = []
        private(set) var overlaps: [Set<String>] = []
        private(set) var sawPairTogether = false
        /// Files whose store takes a while longer.
        var slow: Set<String> = []
        var storing: Int { lock.withLock { active.count } }

        func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome {
            lock.withLock {
                active.append(fileSessionID)
                overlaps.append(Set(active))
                if Set(active).isSuperset(of: Self.pair) { sawPairTogether = true }
            }
            if Self.pair.contains(fileSessionID) {
                // Held until the pair's other file arrives: one file at a time never sends it.
                let deadline = ContinuousClock.now + .seconds(5)
                while ContinuousClock.now < deadline, !lock.withLock({ sawPairTogether }) {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            if slow.contains(fileSessionID) { try await Task.sleep(for: .milliseconds(300)) }
            lock.withLock { active.remove(at: active.firstIndex(of: fileSessionID)!) }
            var outcome = SliceOutcome()
            outcome.counts.lines = bytes.count { $0 == 0x0A }
            outcome.nextOffset = offset + Int64(bytes.count)
            return outcome
        }

        func flush() async throws -> Set<String> { [] }

        /// The first two files, which must be stored at the same time.
        static let pair: Set<String> = ["a", "b"]
    }

    @Test("files of one slice are imported two at a time, a longer file alone; results come in file order")
    func smallFilesBesideEachOther() async throws {
        let folder = try TestPaths.temporaryDirectory("cci-files")
        defer { try? FileManager.default.removeItem(at: folder) }
        let line = String(repeating: "x", count: 29) + "\n"
        let contents = ["a": line, "b": line + line, "long": String(repeating: line, count: 10), "c": line]
        var pending: [TranscriptFileImporter.PendingFile] = []
        for name in ["a", "b", "long", "c"] {
            let file = folder.appendingPathComponent("\(name).jsonl")
            try Data(contents[name]!.utf8).write(to: file)
            pending.append(.init(url: file, from: 0, bytes: Int64(contents[name]!.utf8.count)))
        }
        let sink = RecordingSink()
        let importer = TranscriptFileImporter(sink: sink, maxLineBytes: 1000)
        var consumed: Int64 = 0
        var finished: [(name: String, lines: Int, nextOffset: Int64)] = []
        try await importer.importFiles(pending) { consumed += $0 } finished: { file, result in
            #expect(result.error == nil)
            finished.append((file.url.deletingPathExtension().lastPathComponent, result.counts.lines, result.nextOffset))
        }

        #expect(sink.sawPairTogether, "the second file was sent while the first was being stored")
        #expect(sink.overlaps.filter { $0.contains("long") }.allSatisfy { $0 == ["long"] }, "the long file's slices went alone")
        #expect(sink.overlaps.filter { $0.contains("long") }.count == 3, "300 bytes in slices of 100")
        #expect(finished.map(\.name) == ["a", "b", "long", "c"])
        #expect(finished.map(\.lines) == [1, 2, 10, 1])
        #expect(finished.map(\.nextOffset) == [30, 60, 300, 30])
        #expect(consumed == 420)
    }

    @Test("when a finished file cannot be taken, the import stops only after the file beside it is done")
    func stopsAfterFilesBeside() async throws {
        let folder = try TestPaths.temporaryDirectory("cci-files-stop")
        defer { try? FileManager.default.removeItem(at: folder) }
        var pending: [TranscriptFileImporter.PendingFile] = []
        for name in ["a", "b"] {
            let file = folder.appendingPathComponent("\(name).jsonl")
            try Data("line\n".utf8).write(to: file)
            pending.append(.init(url: file, from: 0, bytes: 5))
        }
        let sink = RecordingSink()
        sink.slow = ["b"]
        struct CannotSave: Error {}
        await #expect(throws: CannotSave.self) {
            try await TranscriptFileImporter(sink: sink, maxLineBytes: 1000).importFiles(pending) { _ in } finished: { _, _ in
                throw CannotSave()
            }
        }
        #expect(sink.sawPairTogether)
        #expect(sink.storing == 0, "no file is still being stored once the import has stopped")
    }
}
