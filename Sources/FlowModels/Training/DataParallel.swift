import FlowCore
import FlowData
import FlowODE

/// Data-parallel gradients: a batch split into contiguous shards, one model replica per shard,
/// each replica's loss and backward pass computed on its own, and the gradients summed into the
/// main model in a fixed order with weights n_i / n — so the result is the full batch's mean
/// gradient, and a seed reproduces a run exactly for a given shard count (different shard
/// counts differ in float rounding and, on energy targets, in their random draws). With
/// `lockstep` (shards on threads of their own) the replicas' adaptive ODE solves share their
/// error norms (`LockstepSums`), so each shard takes the whole batch's steps.
struct DataParallel {
    /// Replicas 1…T−1 (shard 0 runs on the main model).
    let replicas: [any FlowLabModel]
    let runner: ShardRunner
    /// What a replica's parameters hold between steps: one all-zero matrix per parameter,
    /// allocated once and never written. During a step they share the main model's storage.
    let idleValues: [Matrix]
    /// Shard i's share of a `LockstepSums` group, when the shards run at the same time.
    let lockstepMember: ((Int) -> any ErrorSumReduction)?

    var shards: Int { replicas.count + 1 }

    /// Builds T − 1 replicas of `model` (same configuration, attached to the same data). Every
    /// shard has rows (`TrainingSession.useShards` caps T at the batch size): an empty shard
    /// would crash FFJORD's stacked streams and leave lockstep solves waiting for it.
    init(model: any FlowLabModel, dataset: Dataset, threads: Int, runner: @escaping ShardRunner, lockstep: Bool = false) throws {
        precondition(threads <= model.config.batchSize, "DataParallel: more shards than batch rows")
        replicas = try (1..<max(threads, 1)).map { _ in
            let r = try ModelFactory.make(model.config)
            r.attach(to: dataset)
            return r
        }
        idleValues = model.parameters.map { Matrix(rows: $0.value.rows, cols: $0.value.cols) }
        self.runner = runner
        if #available(macOS 15, *), lockstep, threads > 1 {
            let group = LockstepSums(shards: threads)
            lockstepMember = { group.member($0) }
        } else {
            lockstepMember = nil
        }
    }

    /// Row ranges of the shards of an n-row batch.
    static func ranges(rows n: Int, shards t: Int) -> [Range<Int>] {
        (0..<t).map { i in (i * n / t)..<((i + 1) * n / t) }
    }

    /// Loss, figures and message of the whole batch; the main model's parameters hold the
    /// combined gradient afterwards (nil gradients where no shard produced one).
    func lossAndGradients(model: any FlowLabModel, batch: Matrix, dataset: Dataset, iteration: Int,
                          using rng: inout Xoshiro256) -> (loss: Double, figures: Figures, message: String?) {
        let models: [any FlowLabModel] = [model] + replicas
        let params = models.map(\.parameters)
        let rows = dataset.isEnergy ? model.config.batchSize : batch.rows
        let parts = Self.ranges(rows: rows, shards: shards)
        // Each shard draws from its own stream, seeded from the session's.
        var seeds: [UInt64] = []
        for _ in 0..<shards { seeds.append(rng.next()) }
        var results = [(loss: Double, figures: Figures, message: String?)](repeating: (.nan, [:], nil), count: shards)
        let weights = parts.map { Double($0.count) / Double(rows) }
        let idle = idleValues
        results.withUnsafeMutableBufferPointer { out in
            runner(shards) { i in
                // A replica reads the main model's parameter storage for the step (no copy), and
                // lets go of it before the optimizer writes there (or that write would copy).
                if i > 0 {
                    for (dst, src) in zip(params[i], params[0]) { dst.value = src.value }
                    models[i].didLoadParameters()
                }
                defer { if i > 0 { for (p, v) in zip(params[i], idle) { p.value = v } } }
                models[i].solveInLockstep(lockstepMember?(i))
                defer { models[i].solveInLockstep(nil) }
                var shardRNG = Xoshiro256(seed: seeds[i])
                let shardBatch = dataset.isEnergy ? Matrix(rows: parts[i].count, cols: 2) : batch.rows(parts[i])
                Gradients.zero(params[i])
                // The graph lives only in this closure: freed before the gradients are scaled
                // (so no buffer is still shared) and before the replica lets go of the storage.
                let (loss, figures, message): (Double, Figures, String?) = {
                    let result = models[i].loss(batch: shardBatch, dataset: dataset, iteration: iteration, using: &shardRNG)
                    let (figures, message) = result.backward()
                    return (Double(result.loss.scalar), figures, message)
                }()
                // Each shard weights its own gradients (n_i / n), in its own thread.
                let w = Float(weights[i])
                for p in params[i] { p.grad?.scale(by: w) }
                out[i] = (loss, figures, message)
            }
        }
        // Weighted sums in shard order.
        var loss = 0.0
        var figures: Figures = [:]
        for (w, r) in zip(weights, results) {
            loss += w * r.loss
            for (k, v) in r.figures { figures[k, default: 0] += w * v }
        }
        for (j, p) in params[0].enumerated() {
            for i in 1..<shards {
                guard let g = params[i][j].grad else { continue }
                if p.grad == nil { p.grad = g } else { p.grad!.addInPlace(g) }
            }
        }
        for p in params.dropFirst() { Gradients.zero(p) }
        return (loss, figures, results.lazy.compactMap(\.message).first)
    }
}
