using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Rapport.Data;

/// <summary>
/// The application's own secret keys (survey links, preference links, suppression hashes): each configured as base64
/// of at least 32 bytes (set it on every server of a cluster), or else read from a file in the data directory that is
/// written with a random key on first use, readable by the owner only. Never in the repository or the database.
/// </summary>
public static class SecretKeys
{
    public static byte[] LoadOrCreate(IConfiguration configuration, RapportDatabase database, string setting, string fileName)
    {
        if (configuration[setting] is { Length: > 0 } configured)
        {
            var key = Convert.FromBase64String(configured);
            return key.Length >= 32 ? key : throw new InvalidOperationException($"{setting} must be at least 32 bytes, base64.");
        }

        var path = Path.Combine(DataDirectory(configuration, database), fileName);
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fresh = RandomNumberGenerator.GetBytes(32);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new FileStream(path, options);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh)));
            return fresh;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process wrote it first: use theirs.
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }

    /// <summary><c>Rapport:DataDirectory</c>, else the SQLite file's directory, else <c>./data</c>.</summary>
    public static string DataDirectory(IConfiguration configuration, RapportDatabase database)
    {
        if (configuration["Rapport:DataDirectory"] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        if (!database.IsPostgres)
        {
            var source = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            if (source is not ("" or ":memory:") && Path.GetDirectoryName(Path.GetFullPath(source)) is { } directory)
            {
                return directory;
            }
        }

        return Path.GetFullPath("data");
    }
}
