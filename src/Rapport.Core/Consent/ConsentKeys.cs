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

    private static byte[] Load(IConfiguration configuration, RapportDatabase database, string setting, string fileName) =>
        SecretKeys.LoadOrCreate(configuration, database, setting, fileName);
}
