using Rapport.Cli;

/// <summary>
/// The <c>rapport</c> executable: <c>rapport serve</c> runs the web application; other commands administer it.
/// See <see cref="CliApp"/> for the command list and <see cref="RapportApp"/> for the web host.
/// </summary>
#pragma warning disable CA1050 // Program stays in the global namespace: WebApplicationFactory<Program> and the tooling expect it there.
public partial class Program
{
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args);
}
#pragma warning restore CA1050
