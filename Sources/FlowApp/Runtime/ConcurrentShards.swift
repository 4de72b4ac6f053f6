import Foundation
import FlowCore
import FlowModels

/// Runs data-parallel shards on Dispatch's worker threads (`TrainingSession.useShards`). Each
/// shard touches only its own replica and result slot (`DataParallel`), which is what makes the
/// unchecked hand-over sound.
package func concurrentShards(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { work($0) }
    }
}

/// The runner for `threads`-way data-parallel shards: a persistent `ShardPool` (its workers
/// spin between steps instead of being woken for each), or Dispatch where `Synchronization`
/// is unavailable (macOS before 15). `concurrent`: every shard runs at the same time on a
/// thread and a core of its own, so shards may spin waiting for each other
/// (`TrainingSession.useShards`'s lockstep solves). Dispatch may run them in turn, and more
/// threads than cores would spin while the shard they wait for has no core.
package func shardRunner(threads: Int) -> (run: ShardRunner, concurrent: Bool) {
    if #available(macOS 15, *) {
        let pool = ShardPool(threads: threads)
        return ({ pool.run($0, $1) }, threads <= ProcessInfo.processInfo.activeProcessorCount)
    }
    return (concurrentShards, false)
}

extension TrainingSession {
    /// `useShards` with the runner `shardRunner(threads:)` picks, and lockstep ODE solves exactly
    /// when that runner runs every shard at once: the one way the CLI and the explorer set up
    /// `--threads`.
    package func useThreads(_ threads: Int) throws {
        let shards = shardRunner(threads: threads)
        try useShards(threads, runner: shards.run, lockstep: shards.concurrent)
    }
}
