using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Research.Review;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Research.Sessions;

/// <summary>The full re-index: from the CLI over bulk-written notes, and in the background after the taxonomy changes.</summary>
public sealed class ResearchReindexTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static readonly string[] LatteArt = ["latte art"];

    [Fact]
    public async Task The_worker_reindexes_once_the_taxonomy_has_been_quiet_for_a_minute()
    {
        var worker = app.Services.GetServices<IHostedService>().OfType<ResearchWorker>().Single();
        var customer = await app.CustomerAsync();
        // A note written in bulk (as imports do): no evidence on the way in.
        var noteId = await app.WithDbAsync(async db =>
        {
            var note = new Rapport.Interactions.Interaction
            {
                CustomerId = customer, Channel = Rapport.Interactions.InteractionChannel.Other, Direction = Rapport.Interactions.InteractionDirection.Internal,
                Type = Rapport.Interactions.InteractionType.Note, Notes = "Loves the latte art class on Fridays.", OccurredAt = app.Clock.GetUtcNow(), Source = "import",
            };
            db.Interactions.Add(note);
            await db.SaveChangesAsync();
            return note.Id;
        });
        Task<int> Evidence() => app.WithDbAsync(db => db.Set<ValueEvidence>().CountAsync(e => e.SourceType == EvidenceSources.Interaction && e.SourceId == noteId));

        (await worker.StepAsync(CancellationToken.None)).Should().BeFalse("the first look only takes the marks");
        var marketing = app.ClientAs(Role.Marketing);
        var created = await marketing.PostAsJsonAsync("/api/v1/values", new { key = "latte_art", name = "Latte art", vocabulary = LatteArt });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await worker.StepAsync(CancellationToken.None)).Should().BeFalse("a change starts the quiet period");
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        (await worker.StepAsync(CancellationToken.None)).Should().BeFalse("not quiet long enough");
        (await Evidence()).Should().Be(0);

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        (await worker.StepAsync(CancellationToken.None)).Should().BeTrue();
        (await Evidence()).Should().Be(1);
        (await worker.StepAsync(CancellationToken.None)).Should().BeFalse("nothing changed since");
    }

    [Fact]
    public async Task Rapport_research_reindex_rebuilds_the_mentions_of_every_text()
    {
        var directory = Directory.CreateTempSubdirectory("rapport-research-reindex-").FullName;
        (await RunAsync(directory, "demo", "--customers", "30")).ExitCode.Should().Be(0);
        var database = Path.Combine(directory, "data", "rapport.db");
        var before = await ScalarAsync(database, "SELECT COUNT(*) FROM value_evidence WHERE kind = 'Mention'");
        before.Should().BeGreaterThan(0, "the demo indexes its notes and transcripts");
        await ScalarAsync(database, "DELETE FROM value_evidence WHERE kind = 'Mention'");

        var run = await RunAsync(directory, "research", "reindex");
        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().Contain("value mentions").And.Contain("Emergent themes");
        (await ScalarAsync(database, "SELECT COUNT(*) FROM value_evidence WHERE kind = 'Mention'")).Should().Be(before);
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory, StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["Rapport__Database__Provider"] = "sqlite";
        start.Environment.Remove("Rapport__Database__ConnectionString");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rapport.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
