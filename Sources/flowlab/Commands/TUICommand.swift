import ArgumentParser
import FlowApp
import FlowModels
import FlowTerminal

/// `flowlab` / `flowlab tui`: the live explorer.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the explorer: train a model live and watch it learn (default command).")

    @Option(help: ArgumentHelp("Model id: \(modelNames).")) var model: String = "realnvp"
    @Option(help: "Dataset: toy name, u1-u4, or csv:PATH.") var dataset: String = "8gaussians"
    @Option(parsing: .unconditional, help: "Random seed.", transform: parseSeed) var seed: UInt64 = 1
    @Flag(help: "ASCII glyphs and no colour. Without a UTF-8 locale glyphs fall back to ASCII automatically (colours stay); NO_COLOR=1 turns colour off.") var ascii = false
    @Option(help: "Record the session as an asciicast v2 file (asciinema play FILE replays it).") var record: String?

    func validate() throws {
        _ = try parseModelKind(model)
        try validateDatasetName(dataset)
    }

    func run() throws {
        try launchExplorer(model: model, dataset: dataset, seed: seed, ascii: ascii, record: record)
    }
}

/// `flowlab demo`: the course of lessons (Tab / Shift-Tab move between them).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The lessons: one idea of each model per lesson, live in the explorer (Tab / Shift-Tab move).")
    @Flag(help: "ASCII glyphs and no colour.") var ascii = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Start at lesson N (1-\(Lessons.all.count)).")) var lesson: Int = 1
    @Option(parsing: .unconditional, help: "Move to the next lesson every S seconds (an unattended screen).") var autoplay: Double?
    @Option(help: "Record the lessons as an asciicast v2 file.") var record: String?

    func validate() throws {
        try validateLesson(lesson)
        if let autoplay { guard autoplay.isFinite, autoplay >= 1 else { throw ValidationError("--autoplay must be at least 1 second, got \(autoplay)") } }
    }

    func run() throws {
        let l = Lessons.all[lesson - 1]
        try launchExplorer(model: l.model.rawValue, dataset: l.dataset, seed: 1, ascii: ascii, lesson: lesson - 1, autoplay: autoplay,
                           record: record)
    }
}

/// A usage error unless `n` is a lesson number (from 1).
func validateLesson(_ n: Int) throws {
    guard (1...Lessons.all.count).contains(n) else {
        throw ValidationError("--lesson must be between 1 and \(Lessons.all.count), got \(n)")
    }
}

func launchExplorer(model: String, dataset: String, seed: UInt64, ascii: Bool, lesson: Int? = nil, autoplay: Double? = nil,
                    record: String? = nil) throws {
    let kind = try parseModelKind(model)
    do {
        try MainActor.assumeIsolated {
            try ExplorerApp(model: kind, dataset: dataset, seed: seed, ascii: ascii, lesson: lesson, autoplay: autoplay,
                            record: record).run()
        }
    } catch let e as CLIError { throw e }
    catch let e as ValidationError { throw e }
    catch { throw CLIError("\(error)") }
    // Ended by a signal: the terminal is restored; report it the way a shell would.
    if TerminalGuard.stopSignal != 0 { throw ExitCode(128 + TerminalGuard.stopSignal) }
}
