/// Runs `count` independent pieces of work, possibly at the same time (the caller decides how:
/// the core never starts threads itself). `body(i)` must only touch shard `i`'s state.
/// Data-parallel training (`DataParallel`) and Adam's update (`Adam.update`) take one.
package typealias ShardRunner = (_ count: Int, _ body: (Int) -> Void) -> Void
