import Foundation

/// One transcript of the shared corpus with the counts its manifest records.
public struct CorpusFile: Sendable {
    public let path: URL
    public let relativePath: String
    public let lines: Int
    public let types: [String: Int]
    public let errorResults: Int
    public let sidechainLines: Int

    /// Every file the manifest lists (transcripts and edge cases).
    public static func all() throws -> [CorpusFile] {
        let manifest = TestPaths.corpus.appendingPathComponent("manifest.jsonl")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let relative = object["file"] as? String ?? ""
            return CorpusFile(
                path: TestPaths.corpus.appendingPathComponent(relative), relativePath: relative,
                lines: object["lines"] as? Int ?? 0, types: object["types"] as? [String: Int] ?? [:],
                errorResults: object["is_error_true"] as? Int ?? 0, sidechainLines: object["sidechain_lines"] as? Int ?? 0)
        }
    }
}
