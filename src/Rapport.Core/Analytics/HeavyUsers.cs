namespace Rapport.Analytics;

/// <summary>
/// Volume a customer bought in a category: a quantity or an amount, the caller chooses, one row per purchase line or
/// already summed. <see cref="Category"/> is the index of the category in the caller's list (0 ≤ Category &lt; category count),
/// which keeps ten million rows free of strings.
/// </summary>
public readonly record struct CategoryVolume(long CustomerId, int Category, decimal Volume);

public readonly record struct HeavyUser(long CustomerId, decimal Volume);

/// <summary>The heavy users of one category.</summary>
/// <param name="Buyers">Customers whose net volume in the category is positive.</param>
/// <param name="TotalVolume">Net volume of all buyers.</param>
/// <param name="Users">The heavy users, highest volume first, equal volumes in ascending customer id.</param>
/// <param name="HeavyVolume">Net volume of the heavy users.</param>
public sealed record CategoryHeavyUsers(int Category, int Buyers, decimal TotalVolume, IReadOnlyList<HeavyUser> Users, decimal HeavyVolume)
{
    /// <summary>The share of the category's volume the heavy users bought; null when the category has no buyers.</summary>
    public decimal? HeavyVolumeShare => TotalVolume > 0 ? HeavyVolume / TotalVolume : null;

    /// <summary>The smallest volume that made a heavy user; null when there are none.</summary>
    public decimal? Threshold => Users.Count > 0 ? Users[^1].Volume : null;
}

/// <summary>
/// Heavy users per category. A customer's volume in a category is the sum of their rows for it; customers whose sum is
/// zero or negative (returns) are not buyers of the category. Among the m buyers of a category, a buyer is heavy when
/// the number of buyers with the same or a higher volume is at most <c>topShare × m</c>. Ties are therefore never
/// split: a tie that would cross the boundary stays out, so heavy users are never more than the top share, and when
/// everyone bought the same amount nobody is heavy. This is the rule of RFM's top score (<see cref="Rfm"/>).
/// </summary>
public static class HeavyUsers
{
    public const decimal DefaultTopShare = 0.2m;

    /// <returns>One entry per category index, including categories nobody bought.</returns>
    public static CategoryHeavyUsers[] Find(ReadOnlySpan<CategoryVolume> rows, int categoryCount, decimal topShare = DefaultTopShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(categoryCount);
        if (topShare is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(topShare), topShare, "The top share must be above 0 and at most 1.");
        }

        // Counting sort by category. It is stable, so rows a pipeline reads customer by customer stay sorted by
        // customer within each category and need no further sort before their volumes are summed.
        var starts = new int[categoryCount + 1];
        foreach (var row in rows)
        {
            if ((uint)row.Category >= (uint)categoryCount)
            {
                throw new ArgumentException($"Category {row.Category} is outside 0..{categoryCount - 1}.", nameof(rows));
            }

            starts[row.Category + 1]++;
        }

        for (var c = 0; c < categoryCount; c++)
        {
            starts[c + 1] += starts[c];
        }

        var customers = new long[rows.Length];
        var volumes = new decimal[rows.Length];
        var fill = starts[..categoryCount];
        foreach (var row in rows)
        {
            var at = fill[row.Category]++;
            customers[at] = row.CustomerId;
            volumes[at] = row.Volume;
        }

        var result = new CategoryHeavyUsers[categoryCount];
        for (var c = 0; c < categoryCount; c++)
        {
            result[c] = FindInCategory(c, customers, volumes, starts[c], starts[c + 1] - starts[c], topShare);
        }

        return result;
    }

    private static CategoryHeavyUsers FindInCategory(int category, long[] customers, decimal[] volumes, int start, int length, decimal topShare)
    {
        if (!IsSorted(customers, start, length))
        {
            Array.Sort(customers, volumes, start, length);
        }

        // Sum each customer's rows in place; keep buyers only.
        var buyers = 0;
        var total = 0m;
        for (var i = start; i < start + length;)
        {
            var customer = customers[i];
            var volume = 0m;
            for (; i < start + length && customers[i] == customer; i++)
            {
                volume += volumes[i];
            }

            if (volume > 0)
            {
                customers[start + buyers] = customer;
                volumes[start + buyers] = volume;
                buyers++;
                total += volume;
            }
        }

        // Highest volumes sit at the end after an ascending sort; walk down one tie at a time while the tie fits.
        Array.Sort(volumes, customers, start, buyers);
        var allowed = topShare * buyers;
        var end = start + buyers;
        var heavyFrom = end;
        while (heavyFrom > start)
        {
            var tieStart = heavyFrom - 1;
            while (tieStart > start && volumes[tieStart - 1] == volumes[heavyFrom - 1])
            {
                tieStart--;
            }

            if (end - tieStart > allowed)
            {
                break;
            }

            heavyFrom = tieStart;
        }

        var users = new HeavyUser[end - heavyFrom];
        var heavyVolume = 0m;
        for (var i = heavyFrom; i < end; i++)
        {
            users[i - heavyFrom] = new HeavyUser(customers[i], volumes[i]);
            heavyVolume += volumes[i];
        }

        Array.Sort(users, static (a, b) => a.Volume != b.Volume ? b.Volume.CompareTo(a.Volume) : a.CustomerId.CompareTo(b.CustomerId));
        return new CategoryHeavyUsers(category, buyers, total, users, heavyVolume);
    }

    private static bool IsSorted(long[] customers, int start, int length)
    {
        for (var i = start + 1; i < start + length; i++)
        {
            if (customers[i] < customers[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
