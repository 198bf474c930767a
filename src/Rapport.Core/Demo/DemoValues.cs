using Microsoft.EntityFrameworkCore;
using Rapport.Data;
using Rapport.Values;

namespace Rapport.Demo;

/// <summary>
/// The demo roaster's internal evaluation (docs/values.md): how much each default value matters to it, with the
/// evidence, owned by its marketing lead; and the values each product supports, by shelf with a few exceptions.
/// Fixed data, no randomness: the same for every seed. Written through EF after the bulk part, and only where missing
/// (a value without a rating, a product without tags), so a second run adds nothing and keeps what users changed.
/// </summary>
internal static class DemoValues
{
    public const string Owner = "sam.okafor@example.com";
    public const string RatedBy = "Rapport demo";

    public static readonly IReadOnlyList<(string Key, int Importance, string Evidence)> Ratings =
    [
        ("quality", 5, "Every lot is cupped before we buy it; about a third of the samples we are sent are turned down."),
        ("craftsmanship", 5, "Roasted by hand in small batches on our own drum roaster, with a written profile per origin."),
        ("ethics", 4, "Direct trade with smallholders in Colombia and Ethiopia, paid above the Fairtrade minimum."),
        ("transparency", 4, "Farm, variety and process on every bag; the price paid to farmers is published for direct-trade lots."),
        ("sustainability", 4, "Compostable cups in the cafés and for wholesale, recyclable bags; shipping emissions not measured yet."),
        ("service", 4, "Brewing advice in the cafés and by email; grinders and machines serviced in our own workshop."),
        ("community", 3, "Two cafés with tastings and an academy; events pause in winter."),
        ("convenience", 3, "Subscriptions and next-day delivery in town; the web shop checkout is slow on phones."),
        ("exclusivity", 3, "Seasonal single origins in limited lots; no members' offer yet."),
        ("price", 2, "A premium roaster: we compete on taste, not price, and discount only through subscriptions."),
        ("health", 2, "Decaf and caffeine-free teas are on the shelf, but health is not how we present ourselves."),
        ("innovation", 2, "New origins every season; otherwise we change little."),
    ];

    private static readonly Dictionary<Shelf, (string Key, int Strength)[]> ByShelf = new()
    {
        [Shelf.CoffeeBeans] = [("quality", 3), ("craftsmanship", 3), ("transparency", 2)],
        [Shelf.Tea] = [("quality", 2), ("health", 1)],
        [Shelf.Equipment] = [("quality", 3), ("craftsmanship", 1)],
        [Shelf.Accessory] = [("quality", 1), ("convenience", 1)],
        [Shelf.Subscription] = [("convenience", 3), ("price", 1)],
        [Shelf.Service] = [("service", 3), ("quality", 1)],
        [Shelf.Course] = [("community", 3), ("service", 2)],
        [Shelf.Wholesale] = [("price", 2), ("convenience", 2), ("quality", 2)],
    };

    private static readonly Dictionary<string, (string Key, int Strength)[]> BySku = new(StringComparer.Ordinal)
    {
        ["CB-ETH-YIR-250"] = [("ethics", 2)],
        ["CB-ETH-YIR-1K"] = [("ethics", 2)],
        ["CB-COL-HUI-250"] = [("ethics", 3)],
        ["CB-COL-HUI-1K"] = [("ethics", 3)],
        ["CB-SEASONAL-250"] = [("exclusivity", 3), ("innovation", 2)],
        ["CB-DECAF-COL-250"] = [("health", 2)],
        ["TE-CHAMOMILE-50"] = [("health", 3)],
        ["TE-ROOIBOS-100"] = [("health", 2)],
        ["TE-MATCHA-30"] = [("exclusivity", 2), ("health", 2)],
        ["EQ-ESPRESSO-HOME"] = [("innovation", 2), ("exclusivity", 1)],
        ["AC-FILTERS-02"] = [("sustainability", 1)],
        ["AC-TUMBLER"] = [("sustainability", 2)],
        ["WS-CUPS-1000"] = [("sustainability", 3)],
        ["SUB-TEA-MONTHLY"] = [("innovation", 1)],
    };

    /// <summary>The tags of one demo product: its shelf's, then its own (an own tag of the same value wins).</summary>
    public static IReadOnlyList<(string Key, int Strength)> Tags(DemoProduct product)
    {
        var tags = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, strength) in ByShelf.GetValueOrDefault(product.Shelf) ?? [])
        {
            tags[key] = strength;
        }

        foreach (var (key, strength) in BySku.GetValueOrDefault(product.Sku) ?? [])
        {
            tags[key] = strength;
        }

        return tags.Select(t => (t.Key, t.Value)).ToList();
    }

    /// <summary>Adds what is missing; returns the number of rows written. Values that were retired or removed are skipped.</summary>
    public static async Task<long> WriteAsync(RapportDbContext db, IReadOnlyList<DemoProduct> products, DateTimeOffset established, CancellationToken ct)
    {
        var values = await db.TaxonomyValues.AsNoTracking().Where(v => v.Status == ValueStatus.Active).ToDictionaryAsync(v => v.Key, v => v.Id, StringComparer.Ordinal, ct);
        var rated = (await db.ValueRatings.AsNoTracking().Select(r => r.ValueId).Distinct().ToListAsync(ct)).ToHashSet();
        var owner = await db.Users.AsNoTracking().Where(u => u.EmailNormalized == Owner).Select(u => (long?)u.Id).SingleOrDefaultAsync(ct);
        var rows = 0L;
        foreach (var (key, importance, evidence) in Ratings)
        {
            if (values.TryGetValue(key, out var valueId) && !rated.Contains(valueId))
            {
                db.ValueRatings.Add(new ValueRating
                {
                    ValueId = valueId, Importance = importance, Evidence = evidence, OwnerUserId = owner, RatedBy = RatedBy, CreatedAt = established,
                });
                rows++;
            }
        }

        var ids = products.Select(p => p.Id).ToList();
        var tagged = (await db.ProductValues.AsNoTracking().Where(p => ids.Contains(p.ProductId)).Select(p => p.ProductId).Distinct().ToListAsync(ct)).ToHashSet();
        foreach (var product in products.Where(p => !tagged.Contains(p.Id)))
        {
            foreach (var (key, strength) in Tags(product))
            {
                if (values.TryGetValue(key, out var valueId))
                {
                    db.ProductValues.Add(new ProductValue { ProductId = product.Id, ValueId = valueId, Strength = strength });
                    rows++;
                }
            }
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return rows;
    }
}
