namespace Learn2PD.Tests.Support;

/// <summary>
/// Locates the reference vectors in <c>../shared/golden</c> beside the repository root.
/// On a user's clone without them, golden tests skip with a reason; under CI (CI=true) their
/// absence is a failure, never a skip.
/// </summary>
internal static class GoldenData
{
    /// <summary>The repository root (the folder holding Learn2PD.slnx).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    // Declared after RepoRoot: static initialisers run in textual order.
    public static string? Root { get; } = Locate();

    /// <summary>Full path of a file under golden/, skipping (or failing under CI) when absent.</summary>
    public static string Path(params string[] parts)
    {
        Require();
        string path = System.IO.Path.Combine([Root!, .. parts]);
        Assert.True(File.Exists(path) || Directory.Exists(path), $"golden file missing: {path}");
        return path;
    }

    public static void Require()
    {
        if (Root != null) return;
        const string reason = "../shared/golden is not beside the repository (set L2PD_GOLDEN_DIR to point at it)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(reason + "; under CI this is a failure");
        Skip.If(true, reason);
    }

    private static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable("L2PD_GOLDEN_DIR");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? env : null;
        string candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared", "golden"));
        return Directory.Exists(candidate) ? candidate : null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Learn2PD.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
