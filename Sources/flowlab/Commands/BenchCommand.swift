import ArgumentParser
import Foundation
import FlowApp
import FlowCore
import FlowData
import FlowModels

/// `flowlab bench`: the benchmark table (speed is measured here, never in tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure kernels, training iterations, sampling and density evaluation on this machine.")

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Flag(help: "Print a Markdown table (the README's speed table is made this way).")
    var markdown = false

    @Option(help: "Seconds spent per measurement (more is steadier).")
    var budget: Double = 0.4

    @Option(help: "Only models whose id is listed (comma-separated).")
    var models: String?

    @Option(help: "Seconds of the live explorer per model (frames/s, training speed, key latency); 0 skips it.")
    var live: Double = 3

    func run() throws {
        var rows: [BenchRow] = []
        let timer = BenchTimer(budget: budget)
        let peak = Peak.measure(timer: timer)
        rows.append(BenchRow(group: "cpu", name: "single-core FP32 peak (FMA throughput)", value: peak, unit: "GFLOP/s"))
        if ProcessInfo.processInfo.activeProcessorCount > 1 {
            // What two threads can get at best: below 2× when the cores share FMA units (SMT
            // siblings) or the clock drops with both busy; it bounds every 2-thread speed-up.
            let both = Peak.measure(timer: timer, threads: 2)
            rows.append(BenchRow(group: "cpu", name: "2-thread FP32 peak (both cores at once)", value: both, unit: "GFLOP/s"))
            rows.append(BenchRow(group: "cpu", name: "2-thread peak, speed-up over one core", value: both / peak, unit: "x"))
        }
        for row in KernelBench.run(timer: timer, peak: peak) { rows.append(row) }
        let selected = try models.map { list in
            try list.split(separator: ",").map { name -> ModelKind in
                guard let k = ModelKind(rawValue: String(name)) else {
                    throw ValidationError("unknown model '\(name)'")
                }
                return k
            }
        } ?? ModelKind.allCases
        for kind in selected { rows += try ModelBench.run(kind, timer: timer, peak: peak) }
        for row in FrameBench.run(models: selected, timer: timer) { rows.append(row) }
        if live > 0 { rows += LiveBench.run(models: selected, seconds: live) }
        if json {
            let items = rows.map { "{\"group\":\"\($0.group)\",\"name\":\"\($0.name)\",\"value\":\($0.value.isFinite ? String($0.value) : "null"),\"unit\":\"\($0.unit)\"}" }
            print("{\"rows\":[" + items.joined(separator: ",") + "]}")
        } else if markdown {
            print(BenchRow.markdown(rows))
        } else {
            print(BenchRow.table(rows))
        }
    }
}

/// One line of the benchmark table.
struct BenchRow {
    var group: String
    var name: String
    var value: Double
    var unit: String

    static func markdown(_ rows: [BenchRow]) -> String {
        var out = "| group | measurement | value | unit |\n| --- | --- | ---: | --- |\n"
        for r in rows {
            out += "| \(r.group) | \(r.name) | " + (r.value >= 1000 ? String(format: "%.0f", r.value) : String(format: "%.2f", r.value)) + " | \(r.unit) |\n"
        }
        return out
    }

    static func table(_ rows: [BenchRow]) -> String {
        let w0 = max(5, rows.map(\.group.count).max() ?? 0)
        let w1 = max(4, rows.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        var out = pad("group", w0) + "  " + pad("measurement", w1) + "  " + "     value  unit\n"
        out += String(repeating: "-", count: w0 + w1 + 24) + "\n"
        for r in rows {
            let v = r.value >= 1000 ? String(format: "%10.0f", r.value) : String(format: "%10.2f", r.value)
            out += pad(r.group, w0) + "  " + pad(r.name, w1) + "  " + v + "  " + r.unit + "\n"
        }
        return out
    }
}

/// Repeats a closure until the time budget is spent; reports the best per-call time of
/// several rounds (robust to a shared, noisy machine).
struct BenchTimer {
    var budget: Double

    func secondsPerCall(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        body()  // warm-up
        var reps = 1
        while true {
            let t0 = clock.now
            for _ in 0..<reps { body() }
            let dt = (clock.now - t0).seconds
            if dt > budget / 8 || reps > 1 << 24 { break }
            reps *= 2
        }
        var best = Double.infinity
        for _ in 0..<5 {
            let t0 = clock.now
            for _ in 0..<reps { body() }
            best = min(best, (clock.now - t0).seconds / Double(reps))
        }
        return best
    }
}

/// The machine's single-core FP32 FMA throughput: 12 independent SIMD8 FMA chains.
enum Peak {
    static func measure(timer: BenchTimer, threads: Int = 1) -> Double {
        let iters = 200_000
        let out = UnsafeMutablePointer<Float>.allocate(capacity: threads)
        defer { out.deallocate() }
        out.initialize(repeating: 0, count: threads)
        let t = timer.secondsPerCall {
            if threads == 1 { fmaChains(iterations: iters, seed: out.pointee, out: out); return }
            concurrentShards(threads) { i in fmaChains(iterations: iters, seed: out[i], out: out + i) }
        }
        return Double(threads * 12 * 8 * 2 * iters) / t / 1e9
    }

    /// Twelve independent accumulators hide the FMA latency (4 cycles × 2 ports ≥ 8 in flight).
    @inline(never)
    static func fmaChains(iterations: Int, seed: Float, out: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let m = V(repeating: 0.999_999 + seed * 1e-30), a = V(repeating: 1e-7)
        var c0 = V(repeating: 1 + seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
        var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        for _ in 0..<iterations {
            c0.addProduct(m, a); c1.addProduct(m, a); c2.addProduct(m, a); c3.addProduct(m, a)
            c4.addProduct(m, a); c5.addProduct(m, a); c6.addProduct(m, a); c7.addProduct(m, a)
            c8.addProduct(m, a); c9.addProduct(m, a); c10.addProduct(m, a); c11.addProduct(m, a)
        }
        let s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11
        out.pointee = s.sum() * 1e-30
    }
}

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

/// Dense-layer kernels at the reference shape, 512×64×64.
enum KernelBench {
    static func run(timer: BenchTimer, peak: Double) -> [BenchRow] {
        var rng = Xoshiro256(seed: 1)
        let n = 512, k = 64, m = 64
        let x = rng.normalMatrix(rows: n, cols: k)
        let w = Variable(parameter: rng.normalMatrix(rows: k, cols: m).map { $0 * 0.1 }, name: "w")
        let b = Variable(parameter: Matrix(rows: 1, cols: m), name: "b")
        let flops = 2.0 * Double(n * k * m)
        let tGemm = timer.secondsPerCall { blackHole(x.matmul(w.value)) }
        let xv = Variable(parameter: x, name: "x")
        let tFwdBwd = timer.secondsPerCall {
            let y = Variable.linearTanh(xv, w, b)
            y.backward(seed: x)
            xv.grad = nil; w.grad = nil; b.grad = nil
        }
        let count = 32_768
        let src = UnsafeMutablePointer<Float>.allocate(capacity: count), dst = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { src.deallocate(); dst.deallocate() }
        for i in 0..<count { src[i] = Float(rng.normal()) }
        let tTanh = timer.secondsPerCall { Kernels.tanh(src, dst, count: count) }
        let gemmRate = flops / tGemm / 1e9
        let layerRate = 3 * flops / tFwdBwd / 1e9
        return [
            BenchRow(group: "kernel", name: "gemm 512x64 · 64x64", value: gemmRate, unit: "GFLOP/s"),
            BenchRow(group: "kernel", name: "gemm, share of peak", value: 100 * gemmRate / peak, unit: "%"),
            BenchRow(group: "kernel", name: "dense tanh 512x64x64 fwd+bwd", value: layerRate, unit: "GFLOP/s"),
            BenchRow(group: "kernel", name: "dense fwd+bwd, share of peak", value: 100 * layerRate / peak, unit: "%"),
            BenchRow(group: "kernel", name: "dense fwd+bwd time", value: tFwdBwd * 1e6, unit: "µs"),
            BenchRow(group: "kernel", name: "tanh (rational)", value: tTanh / Double(count) * 1e9, unit: "ns/element"),
        ]
    }
}

/// Per-model training, sampling and density throughput at the default architecture.
///
/// "Share of peak" counts only the dense layers' arithmetic: 2·batch·W FLOPs forward for W
/// weight-matrix entries, 6·batch·W with the backward pass — a lower bound on the work done
/// (splines, Langevin chains and elementwise ops are not counted), against the measured
/// single-core peak.
enum ModelBench {
    /// Entries of the weight matrices (parameters with more than one row and column).
    static func denseWeights(_ model: any FlowLabModel) -> Int {
        model.parameters.reduce(0) { $0 + ($1.value.rows > 1 && $1.value.cols > 1 ? $1.value.count : 0) }
    }

    /// Where an iteration's time goes: the loss (forward pass and tape), its backward pass, and
    /// the rest of the step (data, gradient norm and clipping, Adam), on one fixed batch.
    static func phases(of model: any FlowLabModel, batch: Int, iteration: Double, timer: BenchTimer) -> [BenchRow] {
        var rng = Xoshiro256(seed: 5)
        let data = ToyDataset.eightGaussians.sample(count: batch, using: &rng)
        let params = model.parameters
        let tForward = timer.secondsPerCall {
            blackHole(model.loss(batch: data, dataset: .toy(.eightGaussians), iteration: 0, using: &rng).loss.value)
        }
        let tBoth = timer.secondsPerCall {
            _ = model.loss(batch: data, dataset: .toy(.eightGaussians), iteration: 0, using: &rng).backward()
            Gradients.zero(params)
        }
        let name = "train iteration, batch \(batch):"
        return [
            BenchRow(group: model.config.kind.rawValue, name: "\(name) forward", value: tForward * 1e6, unit: "µs"),
            BenchRow(group: model.config.kind.rawValue, name: "\(name) backward", value: max(0, tBoth - tForward) * 1e6, unit: "µs"),
            BenchRow(group: model.config.kind.rawValue, name: "\(name) data, clipping, Adam", value: max(0, iteration - tBoth) * 1e6, unit: "µs"),
        ]
    }

    /// Seconds per step on one thread and on two over the same steps from the same start:
    /// fresh sessions of one configuration, alternated three times, the best of each. Equal
    /// steps matter for FFJORD, whose steps grow costlier as it trains (more solver steps), so
    /// timing each thread count for as long as it takes would compare different models.
    static func pairedThreads(_ c: ModelConfig, steps: Int) throws -> (one: Double, two: Double) {
        var best = (one: Double.infinity, two: Double.infinity)
        let runner = shardRunner(threads: 2)
        let clock = ContinuousClock()
        for _ in 0..<3 {
            for threads in [1, 2] {
                let s = TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.eightGaussians))
                if threads == 2 { try s.useShards(2, runner: runner.run, lockstep: runner.concurrent) }
                s.step()  // first-touch allocations, waking the pool
                let t0 = clock.now
                for _ in 0..<steps { s.step() }
                let perStep = (clock.now - t0).seconds / Double(steps)
                if threads == 1 { best.one = min(best.one, perStep) } else { best.two = min(best.two, perStep) }
            }
        }
        return best
    }

    static func run(_ kind: ModelKind, timer: BenchTimer, peak: Double) throws -> [BenchRow] {
        var rows: [BenchRow] = []
        for batch in [100, 512] {
            var c = ModelConfig.defaults(for: kind)
            c.batchSize = batch
            let session = TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.eightGaussians))
            let t = timer.secondsPerCall { session.step() }
            rows.append(BenchRow(group: kind.rawValue, name: "train iteration, batch \(batch)", value: t * 1e6, unit: "µs"))
            if kind != .ffjord {  // FFJORD's iteration is many function evaluations: see its NFE rows
                let flops = 6 * Double(batch * denseWeights(session.model))
                rows.append(BenchRow(group: kind.rawValue, name: "train iteration, batch \(batch), dense share of peak",
                                     value: 100 * flops / t / 1e9 / peak, unit: "%"))
                rows += phases(of: session.model, batch: batch, iteration: t, timer: timer)
            }
            // The same with data-parallel shards on two threads (`train --threads 2`).
            if ProcessInfo.processInfo.activeProcessorCount > 1 {
                let paired = try pairedThreads(c, steps: max(3, Int(timer.budget / 4 / t)))
                rows.append(BenchRow(group: kind.rawValue, name: "train iteration, batch \(batch), 2 threads", value: paired.two * 1e6, unit: "µs"))
                rows.append(BenchRow(group: kind.rawValue, name: "2-thread speed-up, batch \(batch)", value: paired.one / paired.two, unit: "x"))
            }
        }
        let model = try ModelFactory.make(ModelConfig.defaults(for: kind))
        var rng = Xoshiro256(seed: 3)
        let tSample = timer.secondsPerCall { blackHole(model.sample(count: 10_000, using: &rng)) }
        rows.append(BenchRow(group: kind.rawValue, name: "sampling", value: 10_000 / tSample, unit: "samples/s"))
        let pts = Evaluation.gridPoints(resolution: 100, box: 4)
        if model.logDensity(Matrix(rows: 1, cols: 2)) != nil {  // implicit models (GLF) have none
            let tDensity = timer.secondsPerCall { blackHole(model.logDensity(pts)) }
            rows.append(BenchRow(group: kind.rawValue, name: "density evaluation", value: 10_000 / tDensity, unit: "points/s"))
        }
        if let cnf = model as? CNFModel { rows += CNFBench.run(cnf, timer: timer, peak: peak, weights: denseWeights(cnf)) }
        return rows
    }
}

/// FFJORD's cost per function evaluation at the reference configuration (batch 100,
/// 64-64-64 ConcatSquash, exact trace): the forward dynamics and one adjoint evaluation
/// (dynamics + vector–Jacobian product). Shares of peak count f and its two tangent streams
/// (the exact 2-D trace) as 3 dense passes, 6·batch·W FLOPs, and the adjoint as twice that.
enum CNFBench {
    static func run(_ model: CNFModel, timer: BenchTimer, peak: Double, weights: Int) -> [BenchRow] {
        var rng = Xoshiro256(seed: 9)
        let z = ToyDataset.eightGaussians.sample(count: 100, using: &rng)
        let tForward = timer.secondsPerCall {
            blackHole(model.dynamicsValues(t: 0.25, z: z, noise: nil, regularize: false))
        }
        // The adjoint's seed, as `augmentedDynamics` builds it: a for f, ones for −div.
        let a = Matrix.concatColumns([rng.normalMatrix(rows: 100, cols: 2), Matrix(rows: 100, cols: 1, repeating: 1)])
        let tAdjoint = timer.secondsPerCall {
            let leaf = Variable(parameter: z, name: "z")
            let out = model.dynamics(t: 0.25, z: leaf, noise: nil, regularize: false)
            Variable.concatColumns(out).backward(seed: a)
            Gradients.zero(model.parameters)
        }
        let flops = 6 * 100 * Double(weights)
        let (iteration, perEvaluation) = firstIterations()
        return [
            BenchRow(group: "ffjord", name: "train iteration, batch 100, first 10 iterations", value: iteration * 1e6, unit: "µs"),
            BenchRow(group: "ffjord", name: "same, per function evaluation (iteration ÷ NFE fwd + bwd)", value: perEvaluation * 1e6, unit: "µs"),
            BenchRow(group: "ffjord", name: "NFE forward (f + exact trace), batch 100", value: tForward * 1e6, unit: "µs"),
            BenchRow(group: "ffjord", name: "NFE forward, dense share of peak", value: 100 * flops / tForward / 1e9 / peak, unit: "%"),
            BenchRow(group: "ffjord", name: "NFE adjoint (f + trace + VJP), batch 100", value: tAdjoint * 1e6, unit: "µs"),
            BenchRow(group: "ffjord", name: "NFE adjoint, dense share of peak", value: 100 * 2 * flops / tAdjoint / 1e9 / peak, unit: "%"),
        ]
    }

    /// The first 10 iterations of the defaults at batch 100 (fresh sessions, best of three):
    /// seconds per iteration, and per function evaluation of its forward and adjoint solves,
    /// the way torchdiffeq's cost per evaluation is usually quoted.
    static func firstIterations() -> (iteration: Double, perEvaluation: Double) {
        var best = (iteration: Double.infinity, perEvaluation: Double.infinity)
        let clock = ContinuousClock()
        for _ in 0..<3 {
            var c = ModelConfig.defaults(for: .ffjord)
            c.batchSize = 100
            guard let model = try? ModelFactory.make(c) else { break }
            let session = TrainingSession(model: model, dataset: .toy(.eightGaussians))
            var evaluations = 0.0
            let t0 = clock.now
            for _ in 0..<10 {
                let m = session.step()
                evaluations += (m.figures[.nfeForward] ?? 0) + (m.figures[.nfeBackward] ?? 0)
            }
            let seconds = (clock.now - t0).seconds
            best.iteration = min(best.iteration, seconds / 10)
            best.perEvaluation = min(best.perEvaluation, seconds / max(evaluations, 1))
        }
        return best
    }
}
