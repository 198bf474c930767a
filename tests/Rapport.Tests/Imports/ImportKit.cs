using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Imports;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Imports;

/// <summary>The real host with its import files in a folder of their own per test class.</summary>
public sealed class ImportAppFactory : RapportAppFactory
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "rapport-import-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Rapport:DataDirectory", DataDirectory);
        builder.UseSetting("Rapport:Imports:PollSeconds", "0.2");
    }
}

/// <summary>Runs imports through the real use cases (StartImport, ImportProcessor) and reads what they stored.</summary>
internal static class ImportKit
{
    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 12)];

    /// <summary>A CSV file in the temp folder with exactly these bytes.</summary>
    public static string WriteFile(string content, Encoding? encoding = null)
    {
        var path = Path.Combine(Path.GetTempPath(), "rapport-import-tests", $"{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, (encoding ?? new UTF8Encoding(false)).GetBytes(content));
        return path;
    }

    public static string WriteBytes(byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), "rapport-import-tests", $"{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Stores the file and queues it as the command line does (running, so the background runner leaves it alone).</summary>
    public static async Task<Common.Result<ImportDetail>> StartAsync(RapportAppFactory app, ImportKind kind, string path, ImportOptions? options = null, bool dryRun = false, ImportFormat format = ImportFormat.Csv)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ImportFiles>().CopyAsync(path, CancellationToken.None);
        return await scope.ServiceProvider.GetRequiredService<StartImport>().HandleAsync(
            new StartImportRequest(kind, format, Path.GetFileName(path), stored, options ?? new ImportOptions(), dryRun, null) { RunNow = true }, CancellationToken.None);
    }

    /// <summary>Starts and runs an import to its end in this process; the file must be importable.</summary>
    public static async Task<ImportDetail> ImportAsync(RapportAppFactory app, ImportKind kind, string content, ImportOptions? options = null, bool dryRun = false,
        int batchSize = ImportProcessor.DefaultBatchSize, Encoding? encodingOverride = null, int chunkSize = ImportProcessor.DefaultChunkSize)
    {
        var started = await StartAsync(app, kind, encodingOverride is null ? WriteFile(content) : WriteBytes([.. encodingOverride.GetPreamble(), .. encodingOverride.GetBytes(content)]), options, dryRun);
        started.IsOk.Should().BeTrue(string.Join("; ", started.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))));
        await RunAsync(app, started.Value!.Id, batchSize, chunkSize: chunkSize);
        return await GetAsync(app, started.Value.Id);
    }

    public static async Task<ImportStatus> RunAsync(RapportAppFactory app, long id, int batchSize = ImportProcessor.DefaultBatchSize,
        Func<ImportBatchInfo, CancellationToken, Task>? beforeCommit = null, IProgress<ImportProgress>? progress = null,
        int chunkSize = ImportProcessor.DefaultChunkSize, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var processor = scope.ServiceProvider.GetRequiredService<ImportProcessor>();
        processor.BatchSize = batchSize;
        processor.ChunkSize = chunkSize;
        processor.BeforeCommit = beforeCommit;
        return await processor.RunAsync(id, progress, ct);
    }

    public static async Task<ImportDetail> GetAsync(RapportAppFactory app, long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<GetImport>().HandleAsync(id, CancellationToken.None)).Value!;
    }

    public static Task<List<ImportRejectRow>> RejectsAsync(RapportAppFactory app, long id) =>
        app.WithDbAsync(db => db.ImportRejects.AsNoTracking().Where(r => r.ImportId == id).OrderBy(r => r.LineNumber)
            .Select(r => new ImportRejectRow(r.LineNumber, r.Reason, r.Raw)).ToListAsync());

    public static async Task<string> RejectsCsvAsync(RapportAppFactory app, long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        using var output = new MemoryStream();
        await scope.ServiceProvider.GetRequiredService<ImportRejectsFile>().WriteAsync(id, output, CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    public static void ShouldAccountForEveryRow(this ImportDetail import, long rows)
    {
        import.Read.Should().Be(rows);
        (import.Created + import.Updated + import.Merged + import.Rejected).Should().Be(import.Read, "every row read is created, updated, merged or rejected");
    }

    /// <summary>Polls GET /api/v1/imports/{id} until the import has finished.</summary>
    public static async Task<JsonElement> WaitForApiAsync(HttpClient client, long id)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var body = await client.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}");
            var status = body.GetProperty("status").GetString();
            if (status is not ("queued" or "running"))
            {
                return body;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Import {id} is still {status}.");
            }

            await Task.Delay(100);
        }
    }
}
