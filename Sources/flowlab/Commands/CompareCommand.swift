import ArgumentParser
import Foundation
import FlowData
import FlowModels

/// `flowlab compare`: trains every model × dataset × seed headless with each model's defaults
/// and prints a leaderboard (markdown, CSV, or one JSON object per line).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train several models on several datasets and print a leaderboard.",
        discussion: """
            Every combination trains headless with the model's defaults (progress on stderr). With \
            several seeds, markdown and CSV add mean ± sd per model and dataset. JSON rows carry the \
            fields of `train`'s JSON line plus `gap` (test NLL − entropy floor).
            """)

    @Option(help: ArgumentHelp("Comma-separated model ids: \(modelNames)."))
    var models: String = "realnvp,glow"

    @Option(help: "Comma-separated datasets (toy names, u1-u4, csv:PATH).")
    var datasets: String = "8gaussians"

    @Option(help: "Comma-separated seeds.")
    var seeds: String = "1"

    @Option(parsing: .unconditional, help: "Training iterations for every run (default: each model's).")
    var iters: Int?

    @Option(help: "Output: md, csv or json.")
    var format: String = "md"

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        _ = try modelList()
        _ = try datasetList()
        _ = try seedList()
        if let iters, iters < 0 || iters > 10_000_000 { throw ValidationError("--iters must be between 0 and 10000000, got \(iters)") }
        guard Leaderboard.Format(rawValue: format) != nil else { throw ValidationError("--format must be md, csv or json, got '\(format)'") }
    }

    func modelList() throws -> [ModelKind] {
        let names = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw ValidationError("--models needs at least one model id") }
        return try names.map(parseModelKind)
    }

    func datasetList() throws -> [String] {
        let names = datasets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw ValidationError("--datasets needs at least one dataset") }
        for n in names { try validateDatasetName(n) }
        return names
    }

    func seedList() throws -> [UInt64] {
        let parts = seeds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty else { throw ValidationError("--seeds needs at least one seed") }
        return try parts.map(parseSeed)
    }

    func run() throws {
        let kinds = try modelList(), names = try datasetList(), seedValues = try seedList()
        var data: [String: Dataset] = [:]
        for n in names {
            do { data[n] = try Dataset(name: n) } catch let e as DatasetError { throw CLIError(e.message) }
        }
        let format = Leaderboard.Format(rawValue: format)!
        var board = Leaderboard()
        let count = kinds.count * names.count * seedValues.count
        var index = 0
        for n in names {
            for kind in kinds {
                for seed in seedValues {
                    index += 1
                    var config = ModelConfig.defaults(for: kind, dataset: data[n])
                    config.seed = seed
                    if let iters { config.iterations = iters }
                    let session: TrainingSession
                    do { session = TrainingSession(model: try ModelFactory.make(config), dataset: data[n]!) }
                    catch let e as ModelError { throw CLIError(e.message) }
                    let label = "[\(index)/\(count)] \(kind.rawValue) \(n) seed \(seed)"
                    var report = HeadlessTraining(label: label, quiet: quiet).run(session)
                    Leaderboard.addGap(&report)
                    if format == .json { FileHandle.standardOutput.write(Data((report.jsonLine + "\n").utf8)) }
                    board.rows.append(report)
                }
            }
        }
        if format != .json { print(board.render(format), terminator: "") }
    }
}
