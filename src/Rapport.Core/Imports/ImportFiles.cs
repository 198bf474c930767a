using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Rapport.Data;

namespace Rapport.Imports;

/// <summary>A file copied into the imports folder, with its size and hex SHA-256.</summary>
public sealed record StoredImportFile(string Path, long Size, string Sha256);

/// <summary>
/// Where uploaded and command-line import files are kept while they are imported and afterwards (for resume and
/// for the rejects download): <c>imports/</c> under <c>Rapport:DataDirectory</c> when it is set, else next to the
/// SQLite file, else <c>data/imports</c> under the working directory.
/// </summary>
public sealed partial class ImportFiles(IConfiguration configuration, RapportDatabase database)
{
    public string Folder { get; } = ResolveFolder(configuration, database);

    private static string ResolveFolder(IConfiguration configuration, RapportDatabase database)
    {
        var configured = configuration["Rapport:DataDirectory"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(Path.Combine(configured, "imports"));
        }

        if (!database.IsPostgres)
        {
            var source = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            if (source is not ("" or ":memory:") && Path.GetDirectoryName(Path.GetFullPath(source)) is { } directory)
            {
                return Path.Combine(directory, "imports");
            }
        }

        return Path.GetFullPath(Path.Combine("data", "imports"));
    }

    /// <summary>Streams <paramref name="content"/> to a new file in the folder, hashing as it goes (never holds the file in memory).</summary>
    public async Task<StoredImportFile> StoreAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}.upload");
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new ImportFileTooLargeException(maxBytes);
                    }

                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            return new StoredImportFile(path, size, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        catch
        {
            Delete(path);
            throw;
        }
    }

    /// <summary>Copies a local file (the command line) into the folder.</summary>
    public async Task<StoredImportFile> CopyAsync(string sourcePath, CancellationToken ct)
    {
        await using var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await StoreAsync(source, long.MaxValue, ct);
    }

    /// <summary>
    /// The stored upload named by <paramref name="token"/> (its file name, as the preview page carries it between
    /// requests), with its size and hash; null when the name is not one of ours or the file is gone.
    /// </summary>
    public async Task<StoredImportFile?> FindUploadAsync(string? token, CancellationToken ct)
    {
        if (token is null || !UploadName().IsMatch(token))
        {
            return null;
        }

        var path = Path.Combine(Folder, token);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(file, ct);
        return new StoredImportFile(path, file.Length, Convert.ToHexStringLower(hash));
    }

    /// <summary>The token that names a stored upload (its file name).</summary>
    public static string TokenOf(StoredImportFile file) => System.IO.Path.GetFileName(file.Path);

    /// <summary>Whether <paramref name="fileName"/> has the shape of a name this class gives an upload.</summary>
    public static bool IsUploadName(string fileName) => UploadName().IsMatch(fileName);

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9]{14}-[0-9a-f]{32}\\.upload$")]
    private static partial System.Text.RegularExpressions.Regex UploadName();

    public void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover upload is harmless and is not referenced by any import.
        }
    }
}

public sealed class ImportFileTooLargeException(long maxBytes) : Exception($"The file is larger than {maxBytes:N0} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
