import ArgumentParser
import Foundation
import FlowCore
import FlowModels

/// `flowlab sample`: draws from a saved model, as x,y CSV.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "Write N samples of a saved model as x,y CSV.")

    @Argument(help: "Checkpoint file.")
    var path: String

    @Option(name: .short, parsing: .unconditional, help: "Number of samples.")
    var n: Int

    @Option(parsing: .unconditional, help: "Random seed.", transform: parseSeed)
    var seed: UInt64 = 1

    @Option(help: "CTF: run K Langevin steps from the generator's samples (the paper's sampler).")
    var langevin: Int?

    func validate() throws {
        if n < 0 || n > 50_000_000 { throw ValidationError("-n must be between 0 and 50000000") }
        if let langevin, langevin < 0 || langevin > 100_000 { throw ValidationError("--langevin must be between 0 and 100000") }
    }

    func run() throws {
        let model = try loadModel(path)
        let ctf = model as? CTFModel
        if langevin != nil && ctf == nil { throw ValidationError("--langevin applies to ctf checkpoints only") }
        var rng = Xoshiro256(seed: seed)
        let handle = FileHandle.standardOutput
        handle.write("x,y\n".data(using: .utf8)!)
        var remaining = n
        while remaining > 0 {
            let k = min(remaining, 50_000)
            let s = ctf.map { $0.sample(count: k, langevinSteps: langevin ?? 0, using: &rng) } ?? model.sample(count: k, using: &rng)
            var out = ""
            out.reserveCapacity(k * 24)
            for r in 0..<k { out += "\(s[r, 0]),\(s[r, 1])\n" }
            handle.write(out.data(using: .utf8)!)
            remaining -= k
        }
    }
}
