import Foundation
import Ingest

/// What `cci import` prints: on a terminal a progress bar redrawn in place on standard
/// error; otherwise (a pipe, a log, `--plain`) one plain line per file on standard output.
final class ImportOutput {
    let terminal: Bool
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(plain: Bool) {
        terminal = !plain && isatty(STDERR_FILENO) == 1
    }

    /// Redraws the bar, at most ten times a second.
    func progress(_ tally: ImportTally, elapsed: Duration) {
        guard terminal, ContinuousClock.now - lastDraw >= .milliseconds(100) else { return }
        lastDraw = ContinuousClock.now
        drawn = true
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + tally.progressLine(elapsed: elapsed)).utf8))
    }

    /// Reports a finished file: every file in plain mode, only failures on a terminal.
    func file(_ result: TranscriptFileImporter.FileResult) {
        if terminal {
            guard result.error != nil else { return }
            clearBar()
            FileHandle.standardError.write(Data((ImportTally.fileLine(result) + "\n").utf8))
        } else if result.bytesRead > 0 || result.error != nil {
            line(ImportTally.fileLine(result))
        }
    }

    func finish(_ summary: String) {
        clearBar()
        line(summary)
    }

    /// Written at once (unbuffered), so a follower of the output sees each line as it happens.
    func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    private func clearBar() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        drawn = false
    }
}
