import ArgumentParser
import Foundation
import FlowCore
import FlowData
import FlowModels

/// `flowlab eval`: log-densities of a saved model on a grid or at given points, as CSV.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Write x,y,logp CSV for a saved model on an N×N grid of [-L,L]² or at given points.")

    @Argument(help: "Checkpoint file.")
    var path: String

    @Option(parsing: .unconditional, help: "Grid resolution N (cell centres of [-L,L]²).")
    var grid: Int?

    @Option(parsing: .unconditional, help: "Grid half-width L (default: the data's box for a model trained on a CSV, else 4).")
    var box: Double?

    @Option(help: "CSV file of points x,y to score.")
    var points: String?

    @Flag(help: "Add a region column (RAD's discrete code).")
    var regions = false

    @Flag(help: "Add one column per term of log p (log N(z), each layer's log|det|, FFJORD's integrated trace, RAD's piece log-probabilities, ...); they sum to logp.")
    var terms = false

    func validate() throws {
        if let grid, grid < 1 || grid > 4000 { throw ValidationError("--grid must be between 1 and 4000") }
        if let box, !(box > 0) || !box.isFinite { throw ValidationError("--box must be a positive number") }
    }

    func run() throws {
        // Checked here, not in validate(), so an unknown option is reported as such first.
        if (grid == nil) == (points == nil) { throw ValidationError("give exactly one of --grid N or --points FILE.csv") }
        let model = try loadModel(path)
        let pts: Matrix
        if let grid {
            // A CSV-trained model carries its data's box (its standardisation's image of [-4,4]²).
            let viewBox = box.map { ViewBox.square($0) }
                ?? model.config.standardization.map { ViewBox(standardization: $0) } ?? .standard
            pts = Evaluation.gridPoints(width: grid, height: grid, box: viewBox)
        } else {
            do { pts = try CSVPoints.parse(try readText(points!), source: points!) } catch let e as DatasetError {
                throw CLIError(e.message)
            }
        }
        guard let lp = model.logDensity(pts) else {
            throw CLIError("model '\(model.config.kind.rawValue)' has no tractable density to evaluate")
        }
        var codes: [Int]? = nil
        if regions {
            guard let c = model.regionCodes(pts) else {
                throw CLIError("--regions needs a model with discrete regions (rad); '\(model.config.kind.rawValue)' has none")
            }
            codes = c
        }
        var split: DensityTerms? = nil
        if terms {
            guard let t = model.densityTerms(pts) else {
                throw CLIError("model '\(model.config.kind.rawValue)' cannot split its log-density into terms")
            }
            split = t
        }
        var out = "x,y,logp" + (codes == nil ? "" : ",region") + (split.map { "," + $0.terms.map(\.id).joined(separator: ",") } ?? "") + "\n"
        out.reserveCapacity(pts.rows * 36)
        for r in 0..<pts.rows {
            out += "\(pts[r, 0]),\(pts[r, 1]),\(lp[r])"
            if let codes { out += ",\(codes[r])" }
            if let split { for t in split.terms { out += ",\(Float(t.values[r]))" } }
            out += "\n"
        }
        FileHandle.standardOutput.write(out.data(using: .utf8)!)
    }
}

func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path), let s = String(data: data, encoding: .utf8) else {
        throw CLIError("cannot read '\(path)'")
    }
    return s
}

func loadModel(_ path: String) throws -> any FlowLabModel {
    do {
        return try Checkpoint.read(from: path).makeModel()
    } catch let e as CheckpointError { throw CLIError(e.message) }
}
