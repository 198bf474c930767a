using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Imports;

namespace Rapport.Tests.Imports;

/// <summary>Uploads nobody started an import from are deleted after a day; files of imports and other files stay.</summary>
public sealed class ImportUploadSweepTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    [Fact]
    public async Task Old_uploads_without_an_import_are_deleted_and_everything_else_stays()
    {
        var files = app.Services.GetRequiredService<ImportFiles>();
        var old = app.Clock.GetUtcNow().UtcDateTime - SweepImportUploads.KeepFor - TimeSpan.FromHours(1);

        var started = await ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile("email\nswept@example.com\n"), new ImportOptions { Source = ImportKit.Unique("s") });
        var importFile = await app.WithDbAsync(db => db.Imports.Where(i => i.Id == started.Value!.Id).Select(i => i.StoredPath).SingleAsync());
        var abandoned = (await files.StoreAsync(new MemoryStream("email\nnobody@example.com\n"u8.ToArray()), long.MaxValue, CancellationToken.None)).Path;
        var fresh = (await files.StoreAsync(new MemoryStream("email\nsoon@example.com\n"u8.ToArray()), long.MaxValue, CancellationToken.None)).Path;
        var other = Path.Combine(files.Folder, "notes.upload");
        await File.WriteAllTextAsync(other, "not one of ours");
        foreach (var path in new[] { importFile, abandoned, other })
        {
            File.SetLastWriteTimeUtc(path, old);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var deleted = await scope.ServiceProvider.GetRequiredService<SweepImportUploads>().HandleAsync(CancellationToken.None);

        deleted.Should().BeGreaterThanOrEqualTo(1);
        File.Exists(abandoned).Should().BeFalse("it is older than a day and no import refers to it");
        File.Exists(importFile).Should().BeTrue("an import refers to it (resume, rejects download)");
        File.Exists(fresh).Should().BeTrue("an upload may still be previewed and started today");
        File.Exists(other).Should().BeTrue("only files named as uploads are ours to delete");
    }
}
