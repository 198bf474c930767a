using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Duplicates;

/// <summary>What one detection run did. <c>Open</c> is the number of open candidates after the run; JSON carries <c>elapsedMs</c>.</summary>
public sealed record DetectionSummary(
    int Customers,
    long PairsCompared,
    int Found,
    int Created,
    int Updated,
    int Removed,
    int StillDismissed,
    int Open,
    int SkippedBlocks,
    [property: JsonIgnore] TimeSpan Elapsed)
{
    public long ElapsedMs => (long)Elapsed.TotalMilliseconds;
}

/// <summary>
/// Finds customers that are probably the same person and keeps <c>duplicate_candidates</c> in step: new pairs are
/// added as Open, Open pairs get their current score and reasons, Open pairs that no longer match are removed, and
/// Dismissed pairs are left alone (never re-opened). Pairs are only compared within blocks (same normalised email,
/// same phone line, or same postal code / city / street / company together with the first three letters of a name
/// word), so the work grows with the number of customers, not its square. Runs on demand (page, API, CLI) and after
/// imports; one run at a time per process.
/// </summary>
public sealed class DetectDuplicates(RapportDbContext db, TimeProvider clock, ILogger<DetectDuplicates> logger)
{
    /// <summary>Blocks larger than this are not compared pairwise (a postal code with thousands of Smiths adds noise, not matches).</summary>
    public const int MaxBlock = 1_000;

    /// <summary>Groups sharing one email or phone larger than this are compared with their oldest member only.</summary>
    public const int MaxContactGroup = 100;

    private static readonly SemaphoreSlim OneRun = new(1, 1);

    public async Task<DetectionSummary> RunAsync(CancellationToken ct)
    {
        await OneRun.WaitAsync(ct);
        try
        {
            try
            {
                return await RunLockedAsync(ct);
            }
            catch (DbUpdateException e)
            {
                // A customer merged or deleted while this run compared (its pair now points nowhere), or another
                // instance stored candidates first: compare again from the current data, once.
                logger.LogWarning(e, "Duplicate detection met a concurrent change; running again");
                db.ChangeTracker.Clear();
                return await RunLockedAsync(ct);
            }
        }
        finally
        {
            OneRun.Release();
        }
    }

    private async Task<DetectionSummary> RunLockedAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var profiles = await LoadAsync(ct);
        var (found, compared, skipped) = FindPairs(profiles);
        var (created, updated, removed, dismissed, open) = await StoreAsync(found, ct);
        watch.Stop();
        logger.LogInformation(
            "Duplicate detection over {Customers} customers compared {Pairs} pairs in {ElapsedMs} ms: {Found} found, {Created} new, {Updated} updated, {Removed} removed",
            profiles.Count, compared, watch.ElapsedMilliseconds, found.Count, created, updated, removed);
        return new DetectionSummary(profiles.Count, compared, found.Count, created, updated, removed, dismissed, open, skipped, watch.Elapsed);
    }

    private async Task<List<PersonProfile>> LoadAsync(CancellationToken ct)
    {
        var rows = db.Customers.AsNoTracking()
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Country, c.PostalCode, c.City, c.Street, c.CompanyId })
            .AsAsyncEnumerable();
        var profiles = new List<PersonProfile>();
        await foreach (var c in rows.WithCancellation(ct))
        {
            profiles.Add(PersonProfile.From(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Country, c.PostalCode, c.City, c.Street, c.CompanyId));
        }

        return profiles;
    }

    /// <summary>Every matching pair (smaller id first) with its score; the number of pairs compared; blocks skipped for size.</summary>
    public static (Dictionary<(long A, long B), PairScore> Found, long Compared, int Skipped) FindPairs(IReadOnlyList<PersonProfile> profiles)
    {
        var contact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var fuzzy = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < profiles.Count; i++)
        {
            var p = profiles[i];
            if (p.Email is not null)
            {
                Add(contact, "e" + p.Email, i);
            }

            if (p.Phone is { } phone)
            {
                Add(contact, "p" + phone.Tail, i);
            }

            foreach (var word in p.Name)
            {
                if (word.Length < 2)
                {
                    continue;
                }

                var prefix = word.Length > 3 ? word[..3] : word;
                if (p.PostalCode.Length > 0)
                {
                    Add(fuzzy, $"z{p.PostalCode}|{prefix}", i);
                }

                if (p.City.Length > 0)
                {
                    Add(fuzzy, $"c{p.City}|{prefix}", i);
                }

                if (p.Street.Length > 0)
                {
                    Add(fuzzy, $"s{p.Street}|{prefix}", i);
                }

                if (p.CompanyId is { } company)
                {
                    Add(fuzzy, $"o{company}|{prefix}", i);
                }
            }
        }

        var found = new Dictionary<(long, long), PairScore>();
        var seen = new HashSet<(long, long)>();
        long compared = 0;
        var skipped = 0;

        void Compare(PersonProfile x, PersonProfile y)
        {
            var key = x.Id < y.Id ? (x.Id, y.Id) : (y.Id, x.Id);
            if (!seen.Add(key))
            {
                return;
            }

            compared++;
            if (DuplicateRules.Score(x, y) is { } score)
            {
                found[key] = score;
            }
        }

        foreach (var members in contact.Values)
        {
            if (members.Count < 2)
            {
                continue;
            }

            if (members.Count > MaxContactGroup)
            {
                // A shared address such as info@ or a switchboard: pair everyone with the oldest record only.
                var oldest = members.MinBy(m => profiles[m].Id);
                foreach (var m in members.Where(m => m != oldest))
                {
                    Compare(profiles[oldest], profiles[m]);
                }

                continue;
            }

            ComparePairwise(members);
        }

        foreach (var members in fuzzy.Values)
        {
            if (members.Count < 2)
            {
                continue;
            }

            if (members.Count > MaxBlock)
            {
                skipped++;
                continue;
            }

            ComparePairwise(members);
        }

        return (found, compared, skipped);

        void ComparePairwise(List<int> members)
        {
            var span = CollectionsMarshal.AsSpan(members);
            for (var i = 0; i < span.Length; i++)
            {
                for (var j = i + 1; j < span.Length; j++)
                {
                    Compare(profiles[span[i]], profiles[span[j]]);
                }
            }
        }
    }

    private static void Add(Dictionary<string, List<int>> blocks, string key, int index)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(blocks, key, out _);
        list ??= new List<int>(2);
        list.Add(index);
    }

    private async Task<(int Created, int Updated, int Removed, int Dismissed, int Open)> StoreAsync(
        Dictionary<(long A, long B), PairScore> found, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.DuplicateCandidates.ToDictionaryAsync(c => (c.CustomerIdA, c.CustomerIdB), ct);
        int created = 0, updated = 0, dismissed = 0;
        foreach (var ((a, b), score) in found)
        {
            if (existing.Remove((a, b), out var candidate))
            {
                if (candidate.Status != DuplicateStatus.Open)
                {
                    dismissed++;
                    continue;
                }

                if (Math.Abs(candidate.Score - score.Score) > 1e-9 || candidate.Reasons != score.Reasons)
                {
                    candidate.Score = score.Score;
                    candidate.Reasons = score.Reasons;
                    updated++;
                }

                continue;
            }

            db.DuplicateCandidates.Add(new DuplicateCandidate
            {
                CustomerIdA = a,
                CustomerIdB = b,
                Score = score.Score,
                Reasons = score.Reasons,
                Status = DuplicateStatus.Open,
                DetectedAt = now,
            });
            created++;
        }

        // What is left matched before but no longer does: open pairs go, decisions people made stay.
        var gone = existing.Values.Where(c => c.Status == DuplicateStatus.Open).ToList();
        db.DuplicateCandidates.RemoveRange(gone);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        var open = await db.DuplicateCandidates.CountAsync(c => c.Status == DuplicateStatus.Open, ct);
        return (created, updated, gone.Count, dismissed, open);
    }
}
