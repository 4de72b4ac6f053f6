import Foundation

/// Runs data-parallel shards on Dispatch's worker threads (`TrainingSession.useShards`). Each
/// shard touches only its own replica and result slot (`DataParallel`), which is what makes the
/// unchecked hand-over sound.
package func concurrentShards(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { work($0) }
    }
}
