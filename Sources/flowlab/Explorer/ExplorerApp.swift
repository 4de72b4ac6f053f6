import Foundation
import FlowApp
import FlowData
import FlowModels
import FlowRender
import FlowTerminal

/// The live explorer: wires the curses backend to FlowApp's `ExplorerLoop`. Every exit path
/// (q, Ctrl-C, SIGTERM, errors) restores the terminal.
@MainActor
struct ExplorerApp {
    var model: ModelKind
    var dataset: String
    var seed: UInt64
    var ascii: Bool
    var lesson: Int?
    var autoplay: Double?
    /// An asciicast v2 file to record the session into.
    var record: String?

    /// Data-parallel shards: the cores left after the snapshot core (at most 4); one on a
    /// machine with two cores or fewer.
    static var trainingThreads: Int { min(4, max(1, ProcessInfo.processInfo.activeProcessorCount - 1)) }

    func run() throws {
        // Validate names and the recording's destination before touching the terminal so
        // errors print normally.
        let data = try Dataset(name: dataset)
        _ = try ModelFactory.make(ModelConfig.defaults(for: model))
        if let record {
            do { try SafeFile.checkDestination(record) } catch let e as SafeFile.Failure {
                throw CLIError("cannot record to '\(record)': \(e.reason)")
            }
        }
        let screen = try CursesScreen(forceASCII: ascii)
        TerminalGuard.install()
        var recorder: CastRecorder?
        do {
            defer { screen.close() }
            var cycle = Dataset.builtinNames
            if dataset.hasPrefix("csv:") { cycle.append(dataset) }
            if let record { recorder = try CastRecorder(recording: screen, to: record) }
            let loop = ExplorerLoop(model: model, dataset: dataset, seed: seed, backend: recorder ?? screen, datasetCycle: cycle,
                                    lesson: lesson, autoplay: autoplay, message: screen.lacksUTF8 && !ascii ? "no UTF-8 locale: ASCII mode" : nil,
                                    trainingThreads: Self.trainingThreads, preloaded: data)
            loop.run(shouldStop: { TerminalGuard.stopRequested })
        }
        do { try recorder?.finish() } catch let e as SafeFile.Failure {
            throw CLIError("recording '\(record ?? "")' failed: \(e.reason)")
        }
    }
}
