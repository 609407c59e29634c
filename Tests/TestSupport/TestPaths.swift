import Foundation

/// Paths the tests share: the repository root, the corpus and fresh temporary folders.
public enum TestPaths {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The built `cci` binary of the current build configuration.
    public static var cciBinary: URL {
        if let path = ProcessInfo.processInfo.environment["CCI_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // Test bundles live beside the executables in the build folder.
        let bundle = Bundle.main.bundleURL
        var folder = bundle
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("cci")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/cci")
    }

    /// The shared corpus of real Claude Code transcripts: `CCI_CORPUS_DIR`, else
    /// `shared/corpus` beside the repository.
    public static var corpus: URL {
        if let path = ProcessInfo.processInfo.environment["CCI_CORPUS_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }

    /// The migrations folder of the repository.
    public static var migrations: URL { repositoryRoot.appendingPathComponent("migrations") }

    /// A new empty directory under the system's temporary folder.
    public static func temporaryDirectory(_ label: String = "cci-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
