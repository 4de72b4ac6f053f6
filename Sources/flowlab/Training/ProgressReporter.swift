import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Training progress on stderr: a bar with rate and ETA redrawn in place on a terminal, one
/// line per second otherwise (logs, pipes, CI). Notes (recoveries, messages) always get a line.
struct ProgressReporter {
    let label: String
    let total: Int
    let quiet: Bool
    let isTerminal: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var barShown = false

    init(label: String, total: Int, quiet: Bool, isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = max(total, 1)
        self.quiet = quiet
        self.isTerminal = isTerminal
    }

    /// Called every iteration; draws at most 10 times a second on a terminal, once a second otherwise.
    mutating func update(iteration: Int, loss: Double, learningRate: Double) {
        guard !quiet else { return }
        let now = Date()
        let due = now.timeIntervalSince(lastDraw) >= (isTerminal ? 0.1 : 1) || iteration == total
        guard due else { return }
        lastDraw = now
        let secs = max(now.timeIntervalSince(start), 1e-9)
        let rate = Double(iteration) / secs
        if isTerminal {
            FileHandle.standardError.write(Data(("\r" + Self.bar(label: label, iteration: iteration, total: total, rate: rate,
                                                                loss: loss) + "\u{1B}[K").utf8))
            barShown = true
        } else {
            line(String(format: "%@iter %d/%d  loss %.4f  lr %.2g  %.0f it/s", label.isEmpty ? "" : label + "  ",
                        iteration, total, loss, learningRate, rate))
        }
    }

    /// A line of its own (the bar, if shown, is finished first).
    mutating func line(_ text: String) {
        guard !quiet else { return }
        if barShown { FileHandle.standardError.write(Data("\n".utf8)); barShown = false }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Ends the bar's line.
    mutating func finish() {
        if barShown { FileHandle.standardError.write(Data("\n".utf8)); barShown = false }
    }

    /// `label [#######.....]  45%  1234 it/s  ETA 12s  loss 2.3104`, at most ~100 columns.
    static func bar(label: String, iteration: Int, total: Int, rate: Double, loss: Double, width: Int = 24) -> String {
        let fraction = min(1, max(0, Double(iteration) / Double(max(total, 1))))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let eta = rate > 0 ? Double(total - iteration) / rate : .infinity
        let etaText = eta.isFinite ? (eta >= 60 ? String(format: "%dm%02ds", Int(eta) / 60, Int(eta) % 60) : String(format: "%.0fs", eta)) : "?"
        let prefix = label.isEmpty ? "" : label + " "
        return prefix + "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            + String(format: " %3.0f%%  %.0f it/s  ETA %@  loss %.4f", fraction * 100, rate, etaText, loss)
    }
}
