using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Rapport.Data;

namespace Rapport.Consent;

/// <summary>
/// The two secret keys of this feature, each configured (<c>Rapport:Consent:SuppressionKey</c>,
/// <c>Rapport:Consent:LinkKey</c>: base64, at least 32 bytes; set them on every server of a cluster) or else read from
/// a file in the data directory (<c>suppression.key</c>, <c>preference-link.key</c>) written with a random key on first
/// use, as the survey link key is. Never in the repository or the database: a copy of the database alone cannot
/// reverse a suppression hash by hashing guesses, nor forge a preferences link.
/// </summary>
public sealed class ConsentKeys(IConfiguration configuration, RapportDatabase database)
{
    private readonly Lazy<byte[]> _suppression = new(() => Load(configuration, database, "Rapport:Consent:SuppressionKey", "suppression.key"));
    private readonly Lazy<byte[]> _link = new(() => Load(configuration, database, "Rapport:Consent:LinkKey", "preference-link.key"));

    public byte[] SuppressionKey => _suppression.Value;
    public byte[] LinkKey => _link.Value;

    private static byte[] Load(IConfiguration configuration, RapportDatabase database, string setting, string fileName)
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

    /// <summary>The same directory the survey link key and the Data Protection keys use.</summary>
    private static string DataDirectory(IConfiguration configuration, RapportDatabase database)
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
