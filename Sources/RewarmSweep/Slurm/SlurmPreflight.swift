import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks made before anything is submitted, so a bad setup fails with one line and no job:
/// the Slurm commands are on the PATH, the options are sane, the partition exists, the results
/// folder is writable and, when jobs run on other nodes, on a filesystem they share.
enum SlurmPreflight {
    static func check(
        _ options: SlurmOptions, slurmFolder: URL, executable: URL, commands: SlurmCommands
    ) async throws(SlurmError) {
        for tool in ["sbatch", "squeue", "sinfo"] { _ = try commands.locate(tool) }
        if let k = options.maxParallel, k < 1 {
            throw .invalidOption(name: "--max-parallel", problem: "must be at least 1, got \(k)")
        }
        if options.cpusPerTask < 1 {
            throw .invalidOption(name: "--cpus-per-task", problem: "must be at least 1, got \(options.cpusPerTask)")
        }
        let listed = try await commands.output("sinfo", ["-h", "-o", "%P"])
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let partitions = listed.map { $0.hasSuffix("*") ? String($0.dropLast()) : $0 }
        if let p = options.partition, !partitions.contains(p) {
            throw .unknownPartition(name: p, known: partitions)
        }
        try checkWritable(slurmFolder)
        let partition = options.partition ?? listed.first { $0.hasSuffix("*") }.map { String($0.dropLast()) }
        let nodes = try await nodeNames(partition: partition, commands: commands)
        for path in [slurmFolder, executable] {
            if let problem = sharingProblem(path: path.path, filesystem: localFilesystem(of: path.path),
                                            nodes: nodes, thisHost: shortHostName()) {
                throw problem
            }
        }
    }

    /// Creates `folder` and writes and removes a probe file in it.
    static func checkWritable(_ folder: URL) throws(SlurmError) {
        let probe = folder.appendingPathComponent(".write-probe-\(getpid())")
        do {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"),
                                                    withIntermediateDirectories: true)
            try Data("probe\n".utf8).write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            let reason = (error as NSError).localizedDescription.split(whereSeparator: \.isNewline)
                .joined(separator: " ")
            throw .notWritable(path: folder.deletingLastPathComponent().deletingLastPathComponent().path,
                               reason: reason)
        }
    }

    /// The nodes of `partition` (all nodes when nil), as `sinfo` and `scontrol show hostnames` name them.
    static func nodeNames(partition: String?, commands: SlurmCommands) async throws(SlurmError) -> [String] {
        var arguments = ["-h", "-o", "%N"]
        if let partition { arguments += ["-p", partition] }
        let lists = try await commands.output("sinfo", arguments)
            .split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        guard !lists.isEmpty else { return [] }
        let expanded = try await commands.output("scontrol", ["show", "hostnames", lists.joined(separator: ",")])
        return expanded.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// The refusal for `path` on a `filesystem` only this machine mounts (nil: shared or unknown)
    /// when the jobs run on `nodes` other than `thisHost`.
    static func sharingProblem(path: String, filesystem: String?, nodes: [String], thisHost: String) -> SlurmError? {
        let others = nodes.filter { $0 != thisHost }
        guard let filesystem, !others.isEmpty else { return nil }
        return .notShared(path: path, filesystem: filesystem,
                          nodes: others.count > 4 ? Array(others.prefix(4)) + ["..."] : others)
    }

    /// The name of the local-only filesystem `path` is on (ext4, xfs, tmpfs, ...), or nil for a
    /// network filesystem (NFS, Lustre, GPFS, ...) or one this check does not know.
    static func localFilesystem(of path: String) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        var probe = path
        // The path may not exist yet: resolve its nearest existing parent.
        while !FileManager.default.fileExists(atPath: probe) && probe != "/" {
            probe = (probe as NSString).deletingLastPathComponent
        }
        let resolved = URL(fileURLWithPath: probe).resolvingSymlinksInPath().path
        // The longest mount point that contains the path decides (lines: device mount-point type ...).
        var best: (point: String, type: String)?
        for line in mounts.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = fields[1].replacingOccurrences(of: "\\040", with: " ")
            let inside = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        guard let type = best?.type else { return nil }
        return localTypes.contains(type) ? type : nil
    }

    /// Filesystems only the machine that mounts them sees.
    static let localTypes: Set<String> = [
        "ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "ramfs", "overlay", "f2fs", "zfs", "vfat",
    ]

    /// This machine's short host name, as Slurm names nodes (`hostname -s`).
    static func shortHostName() -> String {
        let full = ProcessInfo.processInfo.hostName
        return String(full.split(separator: ".").first ?? Substring(full))
    }
}
