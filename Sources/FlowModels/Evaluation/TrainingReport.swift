#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData

/// The end-of-run figures of the `flowlab train` JSON line, as ordered key/value pairs.
package struct TrainingReport: Sendable {
    package enum Value: Sendable, Equatable {
        case int(Int), uint(UInt64), double(Double?), string(String)
    }
    package private(set) var fields: [(key: String, value: Value)] = []

    package init() {}

    package mutating func set(_ key: String, _ value: Value) {
        if let i = fields.firstIndex(where: { $0.key == key }) { fields[i].value = value } else { fields.append((key, value)) }
    }

    package subscript(key: String) -> Value? { fields.first { $0.key == key }?.value }

    /// One JSON object on one line; non-finite numbers become null.
    package var jsonLine: String {
        let quote = jsonQuoted
        let body = fields.map { key, value -> String in
            let v: String
            switch value {
            case .int(let i): v = String(i)
            case .uint(let u): v = String(u)
            case .string(let s): v = quote(s)
            case .double(let d): v = (d.map { $0.isFinite ? String($0) : "null" }) ?? "null"
            }
            return quote(key) + ":" + v
        }
        return "{" + body.joined(separator: ",") + "}"
    }

    /// Evaluates a trained session the way README's "Command line" specifies.
    package static func evaluate(session: TrainingSession, seconds: Double, extra: [String: Double] = [:]) -> TrainingReport {
        var r = TrainingReport()
        let model = session.model
        r.set("model", .string(session.config.kind.rawValue))
        r.set("dataset", .string(session.dataset.name))
        r.set("iters", .int(session.iteration))
        r.set("seconds", .double(seconds))
        r.set("test_nll", .double(Evaluation.testNLL(model, dataset: session.dataset)))
        r.set("entropy_floor", .double(session.dataset.entropyFloor))
        r.set("energy_distance", .double(Evaluation.energyDistance(model, dataset: session.dataset)))
        if let kl = SampleKL.estimate(model, dataset: session.dataset) {
            r.set("sample_kl", .double(kl))
            r.set("sample_kl_estimator", .string(SampleKL.name))
        }
        if case .csv(let c) = session.dataset {
            // A user's table: fit vs held-out (overfitting shows as a gap), and the plain
            // reference, a Gaussian KDE (Scott) fitted on the same training split.
            r.set("train_nll", .double(Evaluation.trainNLL(model, dataset: session.dataset, limit: 20_000)))
            r.set("heldout_nll", .double(Evaluation.testNLL(model, dataset: session.dataset)))
            r.set("kde_heldout_nll", .double(GaussianKDE.heldOutNLL(train: c.train, test: c.test)))
            r.set("columns", .string(c.columns.joined(separator: ",")))
            r.set("skipped_rows", .int(c.skippedRows))
        }
        if case .energy(let target) = session.dataset {
            r.set("kl", .double(klFromTarget(model, target: target)))
            r.set("log_z", .double(target.quadrature.logZ))
            r.set("elbo", .double(elbo(model, target: target)))
        }
        r.set("batch", .int(session.config.batchSize))
        r.set("layers", .int(session.config.layers))
        r.set("hidden", .string(session.config.hidden.map(String.init).joined(separator: "-")))
        r.set("parameters", .int(model.parameters.reduce(0) { $0 + $1.value.count }))
        r.set("seed", .uint(session.config.seed))
        r.set("nonfinite_events", .int(session.nonFiniteEvents))
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { r.set(k, .double(v)) }
        // Final held-out figures override the per-iteration means of the same name.
        for (k, v) in model.reportFigures(dataset: session.dataset).sorted(by: { $0.key.id < $1.key.id }) { r.set(k.id, .double(v)) }
        return r
    }

    /// The reverse-KL bound `E_q[−U(x) − log q(x)] ≤ log Z` on 4000 fixed-seed samples, for
    /// models with a density (nil otherwise). Its gap to `log_z` is KL(q ‖ p).
    static func elbo(_ model: any GenerativeModel, target: EnergyTarget) -> Double? {
        var rng = Xoshiro256(seed: Evaluation.energyDistanceSeed &+ 11)
        let x = model.sample(count: 4000, using: &rng)
        guard let logq = model.logDensity(x) else { return nil }
        var total = 0.0
        for r in 0..<x.rows { total += -target.energy(Double(x[r, 0]), Double(x[r, 1])) - Double(logq[r]) }
        return total / Double(x.rows)
    }

    /// KL(target ‖ model) by midpoint quadrature on [−4, 4]² (200² cells), with the target
    /// normalised on the box; nil when the model has no tractable density (CTF's generator on
    /// u1–u4): a sampler is scored by `sample_kl` (`SampleKL`), the one estimator for samples.
    package static func klFromTarget(_ model: any GenerativeModel, target: EnergyTarget, resolution n: Int = 200) -> Double? {
        let grid = Evaluation.gridPoints(resolution: n, box: EnergyTarget.box)
        guard let logq = model.logDensity(grid) else { return nil }
        let q = target.quadrature
        let cell = pow(2 * EnergyTarget.box / Double(n), 2)
        var kl = 0.0, mass = 0.0
        for r in 0..<grid.rows {
            let lp = q.logDensity(Double(grid[r, 0]), Double(grid[r, 1]))
            let p = exp(lp) * cell
            mass += p
            kl += p * (lp - Double(logq[r]))
        }
        return kl / mass
    }
}
