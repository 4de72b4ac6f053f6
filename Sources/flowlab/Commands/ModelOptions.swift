import ArgumentParser
import FlowCore
import FlowData
import FlowModels
import FlowODE

/// Options shared by every command that builds and trains a model.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model id: \(modelNames)."))
    var model: String = "realnvp"

    @Option(help: "Dataset: a toy name, u1-u4, or csv:PATH.")
    var dataset: String = "8gaussians"

    // Numeric options parse `.unconditional`ly so `--iters -1` reaches validation and gets a
    // message saying what is wrong (instead of "Missing value").
    @Option(parsing: .unconditional, help: "Training iterations (default: the model's).")
    var iters: Int?

    @Option(parsing: .unconditional, help: "Batch size (default: the model's).")
    var batch: Int?

    @Option(parsing: .unconditional, help: "Learning rate (default: the model's).")
    var lr: Double?

    @Option(parsing: .unconditional, help: "Random seed: the same seed reproduces a run exactly.", transform: parseSeed)
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Flow depth (number of coupling steps).")
    var layers: Int?

    @Option(parsing: .unconditional, help: "Hidden widths of the conditioner networks, e.g. 64-64 (each 1-\(maxHiddenWidth)).")
    var hidden: String?

    @Option(help: "FFJORD: ODE solver (euler midpoint rk4 dopri5).") var solver: String?
    @Option(parsing: .unconditional, help: "FFJORD: absolute tolerance.") var atol: Double?
    @Option(parsing: .unconditional, help: "FFJORD: relative tolerance.") var rtol: Double?
    @Option(parsing: .unconditional, help: "FFJORD: steps of a fixed-step solver.") var steps: Int?
    @Option(help: "FFJORD: trace estimator (exact hutchinson rademacher).") var trace: String?
    @Option(help: "FFJORD: gradients (adjoint backprop).") var grad: String?
    @Option(parsing: .unconditional, help: "FFJORD: integration time T.") var time: Double?
    @Option(help: "FFJORD: time conditioning (concatsquash concat ignore).") var conditioning: String?
    @Option(parsing: .unconditional, help: "FFJORD: kinetic-energy regulariser weight.") var kinetic: Double?
    @Option(parsing: .unconditional, help: "FFJORD: Jacobian Frobenius regulariser weight.") var jacobian: Double?

    @Option(parsing: .unconditional, help: "RAD: pieces per folding function (odd, >= 3).") var pieces: Int?
    @Option(help: "RAD: interleave affine couplings between RAD layers (on off).") var interleave: String?
    @Option(name: .customLong("langevin-step"), parsing: .unconditional, help: "CTF: Langevin step size h.") var langevinStep: Double?
    @Option(name: .customLong("langevin-steps"), parsing: .unconditional, help: "CTF: Langevin steps distilled per update.") var langevinSteps: Int?
    @Option(help: "CTF: distillation distance (mmd sliced paired).") var distance: String?
    @Option(name: .customLong("particle-pool"), parsing: .unconditional, help: "CTF: persistent Langevin particles as a multiple of the batch (1-64; each update advances one batch-sized block).") var particlePool: Int?
    @Option(parsing: .unconditional, help: "GLF: latent dimension (1 or 2).") var latent: Int?
    @Option(name: .customLong("stop-gradient"), help: "GLF: stop the NLL gradient at the codes (on off).") var stopGradient: String?
    @Option(parsing: .unconditional, help: "GLF: weight β of the reconstruction term.") var beta: Double?
    @Option(name: .customLong("code-noise"), parsing: .unconditional, help: "GLF: std of noise added to the codes before the flow.") var codeNoise: Double?
    @Option(name: .customLong("spline-couplings"), parsing: .unconditional, help: "GLF: how many latent couplings are splines (0 = all affine).") var splineCouplings: Int?

    /// One validation path: the flags become a configuration here, and the configuration is
    /// checked where every configuration is (`ModelFactory.make`: `ModelConfig.validate`, then
    /// the model's own checks), so the CLI, checkpoints and the explorer accept the same
    /// values. A bad value is a usage error (exit 64) of this subcommand, before any work.
    func validate() throws {
        try validateDatasetName(dataset)
        let c = try config()
        do { _ = try ModelFactory.make(c) } catch let e as ModelError { throw ValidationError(e.message) }
    }

    func kind() throws -> ModelKind { try parseModelKind(model) }

    /// The configuration the flags describe: names and on/off words are parsed here (a typo is
    /// a usage error naming the choices); numbers are range-checked by `ModelFactory.make`.
    // Long by design: one block per model's options.
    ///
    /// A CSV's defaults depend on the file (its standardisation, the small-data sizes): without
    /// `loaded` they are the built-in ones, so flags can be checked before the file is read;
    /// `makeSession` passes the loaded file.
    func config(loaded: Dataset? = nil) throws -> ModelConfig {
        let data = loaded ?? (dataset.hasPrefix("csv:") ? nil : try? Dataset(name: dataset))
        var c = ModelConfig.defaults(for: try kind(), dataset: data)
        if let iters { c.iterations = iters }
        if let batch { c.batchSize = batch }
        if let lr { c.learningRate = Float(lr) }
        if let layers { c.layers = layers }
        if let hidden { c.hidden = try parseHiddenWidths(hidden) }
        c.seed = seed
        if let interleave {
            guard c.kind == .rad else { throw ValidationError("--interleave applies to --model rad only") }
            guard ["on", "off"].contains(interleave) else { throw ValidationError("--interleave must be on or off") }
            c.rad?.interleaveAffine = interleave == "on"
        }
        if let pieces {
            guard c.kind == .rad else { throw ValidationError("--pieces applies to --model rad only") }
            c.rad?.pieces = pieces
        }
        let glfFlags: [Any?] = [latent, stopGradient, beta, codeNoise, splineCouplings]
        if c.kind == .glf {
            var o = c.glf ?? GLFOptions()
            if let latent { o.latent = latent }
            if let stopGradient {
                guard ["on", "off"].contains(stopGradient) else { throw ValidationError("--stop-gradient must be on or off") }
                o.stopGradient = stopGradient == "on"
            }
            if let beta { o.beta = beta }
            if let codeNoise { o.codeNoise = codeNoise }
            if let splineCouplings { o.splineCouplings = splineCouplings }
            c.glf = o
        } else if glfFlags.contains(where: { $0 != nil }) {
            throw ValidationError("--latent/--stop-gradient/--beta/--code-noise/--spline-couplings apply to --model glf only")
        }
        let ctfFlags: [Any?] = [langevinStep, langevinSteps, distance, particlePool]
        if c.kind == .ctf {
            var o = c.ctf ?? CTFOptions()
            if let langevinStep { o.step = langevinStep }
            if let langevinSteps { o.langevinSteps = langevinSteps }
            if let distance {
                guard let d = CTFOptions.Distance(rawValue: distance) else { throw ValidationError("--distance must be mmd, sliced or paired") }
                o.distance = d
            }
            if let particlePool {
                guard (1...64).contains(particlePool) else { throw ValidationError("--particle-pool must be between 1 and 64") }
                o.particlePool = particlePool
            }
            c.ctf = o
        } else if ctfFlags.contains(where: { $0 != nil }) {
            throw ValidationError("--langevin-step/--langevin-steps/--distance/--particle-pool apply to --model ctf only")
        }
        let cnfFlags: [Any?] = [solver, atol, rtol, steps, trace, grad, time, conditioning, kinetic, jacobian]
        if c.kind != .ffjord {
            if cnfFlags.contains(where: { $0 != nil }) {
                throw ValidationError("--solver/--atol/--rtol/--steps/--trace/--grad/--time/--conditioning/--kinetic/--jacobian apply to --model ffjord only")
            }
            return c
        }
        var o = c.cnf ?? CNFOptions()
        if let solver {
            let names = ButcherTableau.all.map(\.name)
            guard names.contains(solver) else { throw ValidationError("--solver must be one of \(names.joined(separator: " ")), got '\(solver)'") }
            o.solver = solver
        }
        if let atol { o.atol = atol }
        if let rtol { o.rtol = rtol }
        if let steps { o.steps = steps }
        if let trace {
            guard let t = CNFOptions.Trace(rawValue: trace) else { throw ValidationError("--trace must be exact, hutchinson or rademacher") }
            o.trace = t
        }
        if let grad {
            guard let g = CNFOptions.Gradient(rawValue: grad) else { throw ValidationError("--grad must be adjoint or backprop") }
            o.gradient = g
        }
        if let time { o.time = time }
        if let conditioning {
            guard let k = CNFOptions.Conditioning(rawValue: conditioning) else { throw ValidationError("--conditioning must be concatsquash, concat or ignore") }
            o.conditioning = k
        }
        if let kinetic { o.kinetic = kinetic }
        if let jacobian { o.jacobian = jacobian }
        c.cnf = o
        return c
    }

    func loadDataset() throws -> Dataset {
        do { return try Dataset(name: dataset) } catch let e as DatasetError { throw CLIError(e.message) }
    }

    func makeSession() throws -> TrainingSession {
        _ = try config()  // usage errors before the file is read
        let data = try loadDataset()
        let config = try config(loaded: data)
        do {
            return TrainingSession(model: try ModelFactory.make(config), dataset: data)
        } catch let e as ModelError { throw CLIError(e.message) }
    }
}

/// Dataset errors as seen from the CLI (FlowData's type, re-exported for `catch` clauses).
typealias DatasetErrorBridge = DatasetError

/// The model ids, for help texts and errors.
let modelNames = ModelKind.allCases.map(\.rawValue).joined(separator: " ")

/// The widest hidden layer `--hidden` accepts.
let maxHiddenWidth = ModelConfig.maxHiddenWidth

/// A model id, or a usage error listing the choices.
func parseModelKind(_ name: String) throws -> ModelKind {
    guard let k = ModelKind(rawValue: name) else {
        throw ValidationError("unknown model '\(name)'; choose one of \(modelNames)")
    }
    return k
}

/// A built-in dataset name or `csv:PATH` (the file itself is read later: a file problem is a
/// runtime error, a bad name a usage error).
func validateDatasetName(_ name: String) throws {
    if name.hasPrefix("csv:") {
        guard name.count > 4 else { throw ValidationError("--dataset csv: needs a file path, e.g. csv:points.csv") }
        return
    }
    guard Dataset.builtinNames.contains(name) else {
        throw ValidationError("unknown dataset '\(name)'; choose one of \(Dataset.builtinNames.joined(separator: " ")) or csv:PATH")
    }
}

/// `--hidden 64-64-64` (`ModelConfig.parseHidden`), as a usage error.
func parseHiddenWidths(_ text: String) throws -> [Int] {
    do { return try ModelConfig.parseHidden(text) } catch let e as ModelError { throw ValidationError(e.message) }
}

/// `--seed`: an unsigned 64-bit integer, with a message that says so.
func parseSeed(_ text: String) throws -> UInt64 {
    guard let v = UInt64(text) else {
        throw ValidationError("--seed must be an integer from 0 to \(UInt64.max)")
    }
    return v
}
