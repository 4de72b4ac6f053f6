import Testing
import Foundation
import FlowData
import FlowModels
@testable import flowlab

/// `flowlab compare`: its rows carry every field of `train`'s JSON line plus the gap, and its
/// tables summarise several seeds.
struct CompareTests {
    static func row(_ kind: ModelKind, seed: UInt64) throws -> TrainingReport {
        var c = ModelConfig.defaults(for: kind, dataset: .toy(.moons))
        c.iterations = 5
        c.seed = seed
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.moons))
        var r = HeadlessTraining(quiet: true).run(s)
        Leaderboard.addGap(&r)
        return r
    }

    @Test func jsonRowsParseAndCarryEveryField() throws {
        let r = try Self.row(.nsf, seed: 3)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.jsonLine.utf8)) as? [String: Any])
        for key in ["model", "dataset", "iters", "seconds", "test_nll", "entropy_floor", "energy_distance",
                    "parameters", "seed", "gap", "sample_kl", "sample_kl_estimator"] {
            #expect(obj[key] != nil, "missing \(key)")
        }
        #expect(obj["model"] as? String == "nsf" && obj["seed"] as? Int == 3 && obj["iters"] as? Int == 5)
        let gap = try #require(obj["gap"] as? Double), nll = try #require(obj["test_nll"] as? Double)
        #expect(abs(gap - (nll - 2.39)) < 1e-9)
    }

    @Test func tablesSummariseSeveralSeeds() throws {
        var board = Leaderboard()
        for seed in [1, 2] as [UInt64] { board.rows.append(try Self.row(.realnvp, seed: seed)) }
        let md = board.render(.md)
        let lines = md.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("| model | dataset | seed |"))
        #expect(lines.filter { $0.hasPrefix("| realnvp | moons |") }.count == 3)  // two runs and their mean
        #expect(md.contains(" ± "))
        let csv = board.render(.csv).split(separator: "\n").map(String.init)
        #expect(csv[0] == Leaderboard.columns.joined(separator: ","))
        #expect(csv[1].split(separator: ",", omittingEmptySubsequences: false).count == Leaderboard.columns.count)
        #expect(csv.contains { $0.hasPrefix("model,dataset,seeds,test_nll_mean") })
    }

    @Test func badListsAreUsageErrors() {
        for (args, text) in [(["compare", "--models", "realnvp,nope"], "unknown model 'nope'"),
                             (["compare", "--datasets", "moons,mars"], "unknown dataset 'mars'"),
                             (["compare", "--seeds", "1,-2"], "--seed must be an integer"),
                             (["compare", "--format", "xml"], "--format must be md, csv or json")] {
            let f = failure(args)
            #expect(f?.code == 64 && f?.message.contains(text) == true, "\(args): \(String(describing: f))")
        }
    }
}
