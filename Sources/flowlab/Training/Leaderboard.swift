import Foundation
import FlowModels

/// The rows of `flowlab compare` and their tables: one row per run, and with several seeds
/// mean ± sd per model × dataset.
struct Leaderboard {
    enum Format: String { case md, csv, json }

    var rows: [TrainingReport] = []

    /// The columns of the markdown and CSV tables, in order.
    static let columns = ["model", "dataset", "seed", "iters", "seconds", "test_nll", "entropy_floor", "gap",
                          "sample_kl", "sample_kl_estimator", "energy_distance", "parameters"]

    /// `gap = test_nll − entropy_floor` where both exist.
    static func addGap(_ r: inout TrainingReport) {
        if case .double(let nll?)? = r["test_nll"], case .double(let floor?)? = r["entropy_floor"] {
            r.set("gap", .double(nll - floor))
        } else {
            r.set("gap", .double(nil))
        }
    }

    static func text(_ v: TrainingReport.Value?, csv: Bool) -> String {
        switch v {
        case .int(let i)?: return String(i)
        case .uint(let u)?: return String(u)
        case .string(let s)?: return csv && (s.contains(",") || s.contains("\"")) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        case .double(let d?)? where d.isFinite: return abs(d) >= 100 ? String(format: "%.1f", d) : String(format: "%.4f", d)
        default: return csv ? "" : "–"
        }
    }

    static func number(_ v: TrainingReport.Value?) -> Double? {
        switch v {
        case .double(let d?)? where d.isFinite: return d
        case .int(let i)?: return Double(i)
        default: return nil
        }
    }

    func render(_ format: Format) -> String {
        let csv = format == .csv
        var out = ""
        func line(_ cells: [String]) { out += csv ? cells.joined(separator: ",") + "\n" : "| " + cells.joined(separator: " | ") + " |\n" }
        line(Self.columns)
        if !csv { line(Self.columns.map { _ in "---" }) }
        for r in rows { line(Self.columns.map { Self.text(r[$0], csv: csv) }) }
        let groups = summary()
        guard !groups.isEmpty else { return out }
        out += "\n"
        let stats = ["test_nll", "gap", "energy_distance", "seconds"]
        line(["model", "dataset", "seeds"] + stats.map { $0 + (csv ? "_mean" : " (mean ± sd)") } + (csv ? stats.map { $0 + "_sd" } : []))
        if !csv { line(Array(repeating: "---", count: 3 + stats.count)) }
        for g in groups {
            let ms = stats.map { g.stats[$0] }
            if csv {
                line([g.model, g.dataset, String(g.count)] + ms.map { $0.map { String(format: "%.4f", $0.mean) } ?? "" }
                     + ms.map { $0.map { String(format: "%.4f", $0.sd) } ?? "" })
            } else {
                line([g.model, g.dataset, String(g.count)] + ms.map { $0.map { String(format: "%.4f ± %.4f", $0.mean, $0.sd) } ?? "–" })
            }
        }
        return out
    }

    struct Group { var model: String; var dataset: String; var count: Int; var stats: [String: (mean: Double, sd: Double)] }

    /// Mean and sample standard deviation per model × dataset, when some pair has several seeds.
    func summary() -> [Group] {
        var order: [String] = []
        var byKey: [String: [TrainingReport]] = [:]
        for r in rows {
            let key = Self.text(r["model"], csv: false) + "\u{1}" + Self.text(r["dataset"], csv: false)
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(r)
        }
        guard byKey.values.contains(where: { $0.count > 1 }) else { return [] }
        return order.map { key in
            let rs = byKey[key]!
            var stats: [String: (Double, Double)] = [:]
            for field in ["test_nll", "gap", "energy_distance", "seconds"] {
                let xs = rs.compactMap { Self.number($0[field]) }
                guard !xs.isEmpty else { continue }
                let mean = xs.reduce(0, +) / Double(xs.count)
                let sd = xs.count > 1 ? (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)).squareRoot() : 0
                stats[field] = (mean, sd)
            }
            let parts = key.split(separator: "\u{1}").map(String.init)
            return Group(model: parts[0], dataset: parts.count > 1 ? parts[1] : "", count: rs.count, stats: stats)
        }
    }
}
