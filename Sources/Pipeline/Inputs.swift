import Foundation

/// File-system helpers shared by the stages' wiring: reading inputs with clear errors, listing
/// directories, creating output folders.
public enum Inputs {
  /// Reads a whole file as UTF-8 text (invalid bytes replaced), or throws naming the file.
  public static func readText(_ path: String) throws(PipelineError) -> String {
    String(decoding: try readBytes(path), as: UTF8.self)
  }

  /// Reads a whole file's bytes, or throws naming the file and what is wrong.
  public static func readBytes(_ path: String) throws(PipelineError) -> [UInt8] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw .unreadable(path: path, reason: "no such file")
    }
    if isDir.boolValue { throw .unreadable(path: path, reason: "is a directory, expected a file") }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .unreadable(path: path, reason: "cannot read (permission denied?)")
    }
    return [UInt8](data)
  }

  /// The files under `paths` (directories walked recursively, hidden files skipped) whose extension
  /// is in `extensions` (lower case, without dot; empty = any), sorted by path. A file named
  /// explicitly is always included.
  public static func files(_ paths: [String], extensions: Set<String>) throws(PipelineError) -> [String] {
    var out: [String] = []
    for path in paths {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw .unreadable(path: path, reason: "no such file or directory")
      }
      if !isDir.boolValue {
        out.append(path)
        continue
      }
      guard let walker = FileManager.default.enumerator(atPath: path) else {
        throw .unreadable(path: path, reason: "cannot list directory")
      }
      var found: [String] = []
      while let rel = walker.nextObject() as? String {
        let name = (rel as NSString).lastPathComponent
        if name.hasPrefix(".") { continue }
        let full = (path as NSString).appendingPathComponent(rel)
        var sub: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else {
          continue
        }
        let ext = (name as NSString).pathExtension.lowercased()
        if extensions.isEmpty || extensions.contains(ext) { found.append(full) }
      }
      out += found.sorted()
    }
    return out
  }

  /// Creates `dir` (and parents) when missing.
  public static func makeDirectory(_ dir: String) throws(PipelineError) {
    do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
      throw .unwritable(path: dir, reason: "\(error.localizedDescription)")
    }
  }

  /// Writes text to a file, replacing it.
  public static func write(_ text: String, to path: String) throws(PipelineError) {
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
      throw .unwritable(path: path, reason: "cannot create file")
    }
  }
}

extension Inputs {
  /// `true` when a file or directory exists at `path`.
  public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
