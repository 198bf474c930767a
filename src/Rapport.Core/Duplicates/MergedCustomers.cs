using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Duplicates;

/// <summary>Reading the merge records: where a merged-away id lives on, and a customer's merge history.</summary>
public static class MergedCustomers
{
    /// <summary>
    /// The customer that <paramref name="customerId"/> was merged into, following later merges of the survivor
    /// (A into B, then B into C: C). Null when the id was never merged away.
    /// </summary>
    public static async Task<long?> SurvivorOfAsync(RapportDbContext db, long customerId, CancellationToken ct)
    {
        long? survivor = null;
        var current = customerId;
        // A chain longer than this would mean a cycle in hand-edited data; stop rather than loop.
        for (var hop = 0; hop < 100; hop++)
        {
            var next = await db.CustomerMerges.AsNoTracking()
                .Where(m => m.MergedCustomerId == current)
                .OrderByDescending(m => m.Id)
                .Select(m => (long?)m.SurvivingCustomerId)
                .FirstOrDefaultAsync(ct);
            if (next is null || next == customerId)
            {
                break;
            }

            survivor = current = next.Value;
        }

        return survivor;
    }

    internal static async Task<List<CustomerMergeRow>> ListAsync(RapportDbContext db, Expression<Func<CustomerMerge, bool>> filter, CancellationToken ct)
    {
        var rows = await db.CustomerMerges.AsNoTracking()
            .Where(filter)
            .OrderByDescending(m => m.MergedAt).ThenByDescending(m => m.Id)
            .Select(m => new
            {
                Merge = m,
                By = db.Users.Where(u => u.Id == m.MergedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => new CustomerMergeRow(
                r.Merge.Id,
                r.Merge.SurvivingCustomerId,
                r.Merge.MergedCustomerId,
                NameOf(r.Merge.MergedSnapshot, r.Merge.MergedCustomerId),
                JsonSerializer.Deserialize<Dictionary<string, string>>(r.Merge.FieldChoices, MergeCustomers.Json) ?? [],
                JsonSerializer.Deserialize<MergeCounts>(r.Merge.Moved, MergeCustomers.Json) ?? new MergeCounts(0, 0, 0, 0, 0, 0, 0),
                r.Merge.Source,
                r.Merge.MergedByUserId,
                r.By,
                r.Merge.MergedAt))
            .ToList();
    }

    /// <summary>The display name the merged customer had, read from the snapshot.</summary>
    private static string NameOf(string snapshot, long id)
    {
        try
        {
            using var json = JsonDocument.Parse(snapshot);
            return json.RootElement.TryGetProperty("displayName", out var name) && name.GetString() is { Length: > 0 } text ? text : $"Customer {id}";
        }
        catch (JsonException)
        {
            return $"Customer {id}";
        }
    }
}

/// <summary>
/// The merges a customer survived, newest first. For an id that was itself merged away the answer is NotFound with a
/// message naming the customer it lives on in.
/// </summary>
public sealed class ListMerges(RapportDbContext db)
{
    public async Task<Result<IReadOnlyList<CustomerMergeRow>>> HandleAsync(long customerId, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<IReadOnlyList<CustomerMergeRow>>.NotFound(await MergedAwayMessageAsync(db, customerId, ct));
        }

        return Result<IReadOnlyList<CustomerMergeRow>>.Ok(await MergedCustomers.ListAsync(db, m => m.SurvivingCustomerId == customerId, ct));
    }

    /// <summary>"There is no customer 12." or "Customer 12 was merged into customer 5."</summary>
    public static async Task<string> MergedAwayMessageAsync(RapportDbContext db, long customerId, CancellationToken ct) =>
        await MergedCustomers.SurvivorOfAsync(db, customerId, ct) is { } survivor
            ? $"Customer {customerId} was merged into customer {survivor}."
            : $"There is no customer {customerId}.";
}

/// <summary>Where a customer id that no longer exists went: the surviving id, or null when it was deleted or never existed.</summary>
public sealed class FindMergedInto(RapportDbContext db)
{
    public Task<long?> HandleAsync(long customerId, CancellationToken ct) => MergedCustomers.SurvivorOfAsync(db, customerId, ct);
}
