using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;

namespace Rapport.Stages;

public static class StageLimits
{
    public const int Reason = 500;
    public const int MaxWindowDays = 3650;
    public const int MaxLoyaltyPurchases = 1000;
    public const int Tag = 50;
}

/// <summary>
/// The stage rules' thresholds (docs/stages.md, "Rules"). Windows are in days back from now; engagement is an inbound
/// interaction of one of <see cref="EngagementTypes"/>, a survey response or a research session.
/// </summary>
public sealed record StageSettings
{
    public int EngagementWindowDays { get; init; } = 365;
    /// <summary>Inbound interaction types that count as engagement (InteractionType names).</summary>
    public IReadOnlyList<InteractionType> EngagementTypes { get; init; } = DefaultEngagementTypes;
    public int ConnectionWindowDays { get; init; } = 365;
    public int RepeatWindowDays { get; init; } = 365;
    public int LoyaltyMinPurchases { get; init; } = 4;
    public int LoyaltyWindowDays { get; init; } = 365;
    public double LoyaltyMinPAlive { get; init; } = 0.7;
    public bool PromoterEnabled { get; init; } = true;
    public int PromoterMinScore { get; init; } = 9;
    public bool LoyaltyTagEnabled { get; init; } = true;
    public string LoyaltyTag { get; init; } = "loyalty-member";

    public static readonly IReadOnlyList<InteractionType> DefaultEngagementTypes =
    [
        InteractionType.Email, InteractionType.Message, InteractionType.Call, InteractionType.Meeting, InteractionType.Visit,
        InteractionType.Enquiry, InteractionType.Feedback, InteractionType.Support, InteractionType.Complaint,
    ];

    public static readonly StageSettings Default = new();

    internal static StageSettings From(StageSettingsRow row) => new()
    {
        EngagementWindowDays = row.EngagementWindowDays,
        EngagementTypes = ParseTypes(row.EngagementTypes),
        ConnectionWindowDays = row.ConnectionWindowDays,
        RepeatWindowDays = row.RepeatWindowDays,
        LoyaltyMinPurchases = row.LoyaltyMinPurchases,
        LoyaltyWindowDays = row.LoyaltyWindowDays,
        LoyaltyMinPAlive = row.LoyaltyMinPAlive,
        PromoterEnabled = row.PromoterEnabled,
        PromoterMinScore = row.PromoterMinScore,
        LoyaltyTagEnabled = row.LoyaltyTagEnabled,
        LoyaltyTag = row.LoyaltyTag,
    };

    private static InteractionType[] ParseTypes(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => Enum.TryParse<InteractionType>(t, out var type) ? (InteractionType?)type : null)
            .OfType<InteractionType>()];
}

/// <summary>The settings as the API shows them, with the version (ETag) and who changed them last.</summary>
public sealed record StageSettingsDetail(StageSettings Settings, int Version, DateTimeOffset? UpdatedAt, long? UpdatedByUserId);

/// <summary>
/// A change of settings: omitted (null) fields keep their value. Engagement types are InteractionType names in any case.
/// </summary>
public sealed record UpdateStageSettingsRequest(
    int? EngagementWindowDays = null,
    IReadOnlyList<string>? EngagementTypes = null,
    int? ConnectionWindowDays = null,
    int? RepeatWindowDays = null,
    int? LoyaltyMinPurchases = null,
    int? LoyaltyWindowDays = null,
    double? LoyaltyMinPAlive = null,
    bool? PromoterEnabled = null,
    int? PromoterMinScore = null,
    bool? LoyaltyTagEnabled = null,
    string? LoyaltyTag = null);

/// <summary>
/// The current settings, cached for a minute per process (the engine reads them on every customer change); a save in
/// this process refreshes the cache at once, other instances within the minute.
/// </summary>
public sealed class StageSettingsCache(TimeProvider clock)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(1);
    private (StageSettings Settings, DateTimeOffset LoadedAt)? _entry;

    public async Task<StageSettings> GetAsync(RapportDbContext db, CancellationToken ct)
    {
        var entry = _entry;
        var now = clock.GetUtcNow();
        if (entry is { } e && now - e.LoadedAt < Ttl && now >= e.LoadedAt)
        {
            return e.Settings;
        }

        var row = await db.Set<StageSettingsRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == StageSettingsRow.SingletonId, ct);
        var settings = row is null ? StageSettings.Default : StageSettings.From(row);
        _entry = (settings, now);
        return settings;
    }

    public void Invalidate() => _entry = null;
}

public sealed class GetStageSettings(RapportDbContext db)
{
    public async Task<StageSettingsDetail> HandleAsync(CancellationToken ct)
    {
        var row = await db.Set<StageSettingsRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == StageSettingsRow.SingletonId, ct);
        return row is null
            ? new StageSettingsDetail(StageSettings.Default, 0, null, null)
            : new StageSettingsDetail(StageSettings.From(row), row.Version, row.UpdatedAt, row.UpdatedByUserId);
    }
}

/// <summary>Validates and saves the settings, then recomputes every stage (at once, or in the background when large).</summary>
public sealed class UpdateStageSettings(RapportDbContext db, StageSettingsCache cache, RecomputeStages recompute, TimeProvider clock)
{
    public async Task<Result<StageSettingsDetail>> HandleAsync(UpdateStageSettingsRequest request, int? expectedVersion, long? userId, CancellationToken ct)
    {
        var row = await db.Set<StageSettingsRow>().FirstOrDefaultAsync(r => r.Id == StageSettingsRow.SingletonId, ct);
        var current = row is null ? StageSettings.Default : StageSettings.From(row);
        if (expectedVersion is { } expected && expected != (row?.Version ?? 0))
        {
            return Result<StageSettingsDetail>.PreconditionFailed("The stage settings changed since you read them; read them again and retry with the new ETag.");
        }

        var errors = new FieldErrors();
        var next = new StageSettings
        {
            EngagementWindowDays = Days(errors, "engagementWindowDays", request.EngagementWindowDays, current.EngagementWindowDays),
            EngagementTypes = Types(errors, request.EngagementTypes, current.EngagementTypes),
            ConnectionWindowDays = Days(errors, "connectionWindowDays", request.ConnectionWindowDays, current.ConnectionWindowDays),
            RepeatWindowDays = Days(errors, "repeatWindowDays", request.RepeatWindowDays, current.RepeatWindowDays),
            LoyaltyMinPurchases = Range(errors, "loyaltyMinPurchases", request.LoyaltyMinPurchases, current.LoyaltyMinPurchases, 1, StageLimits.MaxLoyaltyPurchases),
            LoyaltyWindowDays = Days(errors, "loyaltyWindowDays", request.LoyaltyWindowDays, current.LoyaltyWindowDays),
            LoyaltyMinPAlive = PAlive(errors, request.LoyaltyMinPAlive, current.LoyaltyMinPAlive),
            PromoterEnabled = request.PromoterEnabled ?? current.PromoterEnabled,
            PromoterMinScore = Range(errors, "promoterMinScore", request.PromoterMinScore, current.PromoterMinScore, 0, 10),
            LoyaltyTagEnabled = request.LoyaltyTagEnabled ?? current.LoyaltyTagEnabled,
            LoyaltyTag = Tag(errors, request.LoyaltyTag, current.LoyaltyTag),
        };
        if (errors.Any)
        {
            return errors.ToResult<StageSettingsDetail>();
        }

        if (row is null)
        {
            row = new StageSettingsRow();
            db.Add(row);
        }

        row.EngagementWindowDays = next.EngagementWindowDays;
        row.EngagementTypes = string.Join(",", next.EngagementTypes);
        row.ConnectionWindowDays = next.ConnectionWindowDays;
        row.RepeatWindowDays = next.RepeatWindowDays;
        row.LoyaltyMinPurchases = next.LoyaltyMinPurchases;
        row.LoyaltyWindowDays = next.LoyaltyWindowDays;
        row.LoyaltyMinPAlive = next.LoyaltyMinPAlive;
        row.PromoterEnabled = next.PromoterEnabled;
        row.PromoterMinScore = next.PromoterMinScore;
        row.LoyaltyTagEnabled = next.LoyaltyTagEnabled;
        row.LoyaltyTag = next.LoyaltyTag;
        row.UpdatedByUserId = userId;
        // Saved even when nothing changed, so the version moves and a recompute follows (a "re-apply" button).
        db.Entry(row).State = db.Entry(row).State == EntityState.Added ? EntityState.Added : EntityState.Modified;
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        await recompute.AfterSettingsChangedAsync(ct);
        return Result<StageSettingsDetail>.Ok(new StageSettingsDetail(next, row.Version, row.UpdatedAt, row.UpdatedByUserId));
    }

    private static int Days(FieldErrors errors, string field, int? value, int current) =>
        Range(errors, field, value, current, 1, StageLimits.MaxWindowDays);

    private static int Range(FieldErrors errors, string field, int? value, int current, int min, int max)
    {
        if (value is not { } v)
        {
            return current;
        }

        if (v < min || v > max)
        {
            errors.Add(field, $"Must be a whole number from {min} to {max}.");
        }

        return v;
    }

    private static double PAlive(FieldErrors errors, double? value, double current)
    {
        if (value is not { } v)
        {
            return current;
        }

        if (!double.IsFinite(v) || v < 0 || v > 1)
        {
            errors.Add("loyaltyMinPAlive", "Must be a probability from 0 to 1.");
        }

        return v;
    }

    private static IReadOnlyList<InteractionType> Types(FieldErrors errors, IReadOnlyList<string>? names, IReadOnlyList<InteractionType> current)
    {
        if (names is null)
        {
            return current;
        }

        var types = new List<InteractionType>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = Validate.Clean(names[i]);
            if (name is null || !Enum.TryParse<InteractionType>(name, ignoreCase: true, out var type) || int.TryParse(name, out _))
            {
                errors.Add($"engagementTypes[{i}]", $"Unknown interaction type; use one of {string.Join(", ", Enum.GetNames<InteractionType>().Select(n => n.ToLowerInvariant()))}.");
                continue;
            }

            if (!types.Contains(type))
            {
                types.Add(type);
            }
        }

        if (names.Count == 0)
        {
            errors.Add("engagementTypes", "Name at least one interaction type.");
        }

        return types;
    }

    private static string Tag(FieldErrors errors, string? value, string current)
    {
        if (value is null)
        {
            return current;
        }

        var tag = Validate.Clean(value)?.ToLowerInvariant();
        if (tag is null)
        {
            errors.Add("loyaltyTag", "Is required (switch the tag rule off with loyaltyTagEnabled instead).");
            return "";
        }

        Validate.MaxLength(errors, "loyaltyTag", tag, StageLimits.Tag);
        return tag;
    }
}
