#if canImport(Glibc)
  import Glibc
#endif

/// Caps glibc's malloc arenas for the ingest's threads.
///
/// glibc gives threads that allocate at the same time arenas of their own (up to eight per core)
/// and keeps memory freed in an arena for that arena. Storing a file runs a reading thread, an
/// encoding thread and a writing thread (Dispatch queues, so on changing worker threads); with
/// the default, storing a 1 GB file peaked at 315 MB resident, with two arenas at 202 MB, at
/// the same speed. Set once, before the threads start; other platforms are left alone.
enum MallocArenas {
  /// The arenas allowed.
  static let limit: Int32 = 2
  /// glibc's `M_ARENA_MAX` parameter of `mallopt` (`<malloc.h>`, not in Swift's Glibc module).
  static let arenaMaxParameter: Int32 = -8

  /// Applies the cap (once per process).
  static func cap() { _ = applied }

  private static let applied: Bool = {
    #if canImport(Glibc)
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
      return unsafeBitCast(symbol, to: Mallopt.self)(arenaMaxParameter, limit) == 1
    #else
      return false
    #endif
  }()
}
