using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Data;
using Rapport.Research.Themes;
using Rapport.Values;

namespace Rapport.Research.Evidence;

/// <summary>
/// The business's taxonomy compiled for detection, kept between requests (singleton) and rebuilt when the stored
/// taxonomy changes. Indexing one note as it is logged then costs one small aggregate query (the mark) instead of
/// reading every value with its ratings and compiling a trie of a few hundred entries.
/// </summary>
/// <remarks>
/// The mark is (number of values, sum of their versions, largest id): every change to a value through its use cases
/// (create, rename, vocabulary, merge, retire, reinstate) bumps its version, so any change moves the mark.
/// </remarks>
public sealed class DetectionCache
{
    private readonly Lock _lock = new();
    private Compiled? _current;

    /// <summary>A detector and the ids of the active values by key, for one state of the taxonomy.</summary>
    public sealed record Compiled((int Count, long Versions, long MaxId) Mark, ThemeDetector Detector, IReadOnlyDictionary<string, long> ValueIds);

    public async Task<Compiled> GetAsync(RapportDbContext db, GetBusinessTaxonomy taxonomies, bool fresh, CancellationToken ct)
    {
        var mark = await MarkAsync(db, ct);
        lock (_lock)
        {
            if (!fresh && _current is { } current && current.Mark == mark)
            {
                return current;
            }
        }

        var detector = new ThemeDetector(await taxonomies.HandleAsync(ct));
        var ids = await db.TaxonomyValues.AsNoTracking()
            .Where(v => v.Status == ValueStatus.Active)
            .ToDictionaryAsync(v => v.Key, v => v.Id, StringComparer.Ordinal, ct);
        var compiled = new Compiled(mark, detector, ids);
        lock (_lock)
        {
            _current = compiled;
        }

        return compiled;
    }

    /// <summary>One aggregate over the (few dozen) values, in the caller's transaction; raw SQL because it runs on every logged note.</summary>
    public static async Task<(int Count, long Versions, long MaxId)> MarkAsync(RapportDbContext db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var mark = await connection.QuerySingleAsync<(long Count, long Versions, long MaxId)>(new CommandDefinition(
            "SELECT COUNT(*), COALESCE(SUM(version), 0), COALESCE(MAX(id), 0) FROM taxonomy_values",
            transaction: db.Database.CurrentTransaction?.GetDbTransaction(), cancellationToken: ct));
        return ((int)mark.Count, mark.Versions, mark.MaxId);
    }
}
