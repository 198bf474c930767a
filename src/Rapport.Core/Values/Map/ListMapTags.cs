using Microsoft.EntityFrameworkCore;
using Rapport.Data;

namespace Rapport.Values.Map;

/// <summary>A customer tag and how many customers carry it.</summary>
public sealed record TagCount(string Tag, int Customers);

/// <summary>The customer tags the map can be narrowed to: the most used first (at most <see cref="MaxTags"/>), then by name.</summary>
public sealed class ListMapTags(RapportDbContext db)
{
    public const int MaxTags = 200;

    public async Task<IReadOnlyList<TagCount>> HandleAsync(CancellationToken ct) =>
        (await db.CustomerTags.AsNoTracking()
            .GroupBy(t => t.Tag)
            .Select(g => new { Tag = g.Key, Customers = g.Count() })
            .OrderByDescending(t => t.Customers).ThenBy(t => t.Tag)
            .Take(MaxTags)
            .ToListAsync(ct))
        .Select(t => new TagCount(t.Tag, t.Customers)).ToList();
}
