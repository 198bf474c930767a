using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Research.Evidence;
using Rapport.Research.Themes;
using Rapport.Values;

namespace Rapport.Research.Review;

/// <summary>
/// A proposed theme as the review shows it. <c>Examples</c> are up to three texts that contain it (cut to 300
/// characters); <c>Value</c> is the key of the value it became or joined, once decided.
/// </summary>
public sealed record ThemeProposalDetail(
    long Id,
    string Phrase,
    int Texts,
    double Score,
    IReadOnlyList<string> Examples,
    ProposalStatus Status,
    string? Value,
    string? ValueName,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What a refresh read and proposed.</summary>
public sealed record ThemeRefreshSummary(int TextsRead, int Proposed, int Kept, int Removed, DateTimeOffset RefreshedAt);

/// <summary>Accepting a proposal as a new value: the key and name default to the phrase ("loyalty scheme" → loyalty_scheme, "Loyalty scheme").</summary>
public sealed record AcceptThemeRequest(string? Key = null, string? Name = null, string? Description = null);

/// <summary>Adding a proposal's phrase to an existing value's vocabulary.</summary>
public sealed record AddThemeToValueRequest(string? Value);

/// <summary>Proposals by status (default: those waiting for a decision), most distinctive first.</summary>
public sealed class ListThemeProposals(RapportDbContext db)
{
    public const int MaxRows = 200;

    public async Task<IReadOnlyList<ThemeProposalDetail>> HandleAsync(ProposalStatus? status, CancellationToken ct)
    {
        var rows = db.Set<ThemeProposal>().AsNoTracking();
        if (status is { } s)
        {
            rows = rows.Where(p => p.Status == s);
        }

        var list = await (
                from p in rows
                join v in db.TaxonomyValues.AsNoTracking() on p.ValueId equals v.Id into values
                from v in values.DefaultIfEmpty()
                orderby p.Score descending, p.Id
                select new { p, Key = v == null ? null : v.Key, Name = v == null ? null : v.Name })
            .Take(MaxRows)
            .ToListAsync(ct);
        return list.Select(x => ThemeReviewRules.Detail(x.p, x.Key, x.Name)).ToList();
    }
}

/// <summary>
/// Runs <see cref="EmergentThemes.Propose"/> over all free text of the business (every <see cref="IResearchTextSource"/>:
/// survey answers, transcripts, interaction notes) against its current taxonomy and stores the result: new phrases are
/// proposed, waiting proposals get fresh counts and examples, waiting proposals no longer found are removed, and decided
/// ones (accepted, added, dismissed) are left as they are, so a dismissed phrase never comes back.
/// </summary>
public sealed class RefreshThemeProposals(RapportDbContext db, GetBusinessTaxonomy taxonomies, IEnumerable<IResearchTextSource> sources,
    TimeProvider clock, ILogger<RefreshThemeProposals> logger)
{
    /// <summary>
    /// Texts kept per refresh: the most recent ones (by when they were written) over every source, so a large business's
    /// themes are those of its latest answers, notes and transcripts. Bounds memory and the proposal's time.
    /// </summary>
    public const int MaxTexts = 50_000;

    /// <summary>Phrases proposed per refresh.</summary>
    public const int Top = 40;

    public async Task<ThemeRefreshSummary> HandleAsync(CancellationToken ct)
    {
        // Every text is read once; a min-heap on the date keeps the newest MaxTexts.
        var newest = new PriorityQueue<string, (DateTimeOffset WrittenAt, long Order)>();
        long order = 0;
        foreach (var source in sources)
        {
            await foreach (var text in source.ReadAllAsync(ct))
            {
                newest.Enqueue(text.Text, (text.WrittenAt, order++));
                if (newest.Count > MaxTexts)
                {
                    newest.Dequeue();
                }
            }
        }

        var texts = new List<string>(newest.Count);
        while (newest.TryDequeue(out var text, out _))
        {
            texts.Add(text); // oldest of the kept first
        }

        var taxonomy = await taxonomies.HandleAsync(ct);
        var themes = EmergentThemes.Propose(texts, taxonomy, null, new EmergentThemeOptions { Top = Top }, ct);
        var now = clock.GetUtcNow();
        var byStems = themes
            .Select(t => (Theme: t, Stems: Truncate(string.Join(' ', t.Stems), ProposalLimits.Phrase)))
            .GroupBy(t => t.Stems, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Theme, StringComparer.Ordinal);
        var keys = byStems.Keys.ToList();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.Set<ThemeProposal>()
            .Where(p => keys.Contains(p.Stems) || p.Status == ProposalStatus.Proposed)
            .ToListAsync(ct);
        var byKey = existing.ToDictionary(p => p.Stems, StringComparer.Ordinal);
        int proposed = 0, kept = 0, removed = 0;
        foreach (var (stems, theme) in byStems)
        {
            if (byKey.TryGetValue(stems, out var row))
            {
                if (row.Status != ProposalStatus.Proposed)
                {
                    continue;
                }

                row.Texts = theme.Texts;
                row.Score = Math.Round(theme.Score, 3);
                row.Examples = Examples(texts, theme);
                row.UpdatedAt = now;
                kept++;
                continue;
            }

            db.Set<ThemeProposal>().Add(new ThemeProposal
            {
                Phrase = Truncate(theme.Phrase, ProposalLimits.Phrase),
                Stems = stems,
                Texts = theme.Texts,
                Score = Math.Round(theme.Score, 3),
                Examples = Examples(texts, theme),
                Status = ProposalStatus.Proposed,
            });
            proposed++;
        }

        foreach (var stale in existing.Where(p => p.Status == ProposalStatus.Proposed && !byStems.ContainsKey(p.Stems)))
        {
            db.Set<ThemeProposal>().Remove(stale);
            removed++;
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Refreshed theme proposals from {Texts} texts: {Proposed} new, {Kept} kept, {Removed} removed", texts.Count, proposed, kept, removed);
        return new ThemeRefreshSummary(texts.Count, proposed, kept, removed, now);
    }

    private static string Examples(List<string> texts, EmergentTheme theme) =>
        JsonSerializer.Serialize(theme.Examples.Select(i => Truncate(Flatten(texts[i]), ProposalLimits.Example)).ToList());

    private static string Flatten(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    internal static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}

/// <summary>Accepts a proposal as a new value of the taxonomy (through <see cref="CreateValue"/>), with the phrase as its vocabulary.</summary>
public sealed class AcceptThemeProposal(RapportDbContext db, CreateValue create, GetThemeProposal get, TimeProvider clock, ILogger<AcceptThemeProposal> logger)
{
    public async Task<Result<ThemeProposalDetail>> HandleAsync(long id, AcceptThemeRequest request, Actor actor, CancellationToken ct)
    {
        var proposal = await db.Set<ThemeProposal>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (ThemeReviewRules.Undecidable(proposal, id) is { } refused)
        {
            return refused;
        }

        var key = Validate.Clean(request.Key) ?? ThemeReviewRules.KeyOf(proposal!.Phrase);
        var name = Validate.Clean(request.Name) ?? ThemeReviewRules.NameOf(proposal!.Phrase);
        var created = await create.HandleAsync(new CreateValueRequest(key, name, request.Description, [proposal!.Phrase]), actor, ct);
        if (!created.IsOk)
        {
            return created.As<ThemeProposalDetail>();
        }

        await ThemeReviewRules.DecideAsync(db, id, ProposalStatus.Accepted, created.Value!.Id, actor, clock.GetUtcNow(), ct);
        logger.LogInformation("Theme proposal {ProposalId} accepted as value {ValueId}", id, created.Value.Id);
        return await get.HandleAsync(id, ct);
    }
}

/// <summary>Adds a proposal's phrase to an existing value's vocabulary (through <see cref="UpdateValue"/>).</summary>
public sealed class AddThemeToValue(RapportDbContext db, GetValue values, UpdateValue update, GetThemeProposal get, TimeProvider clock, ILogger<AddThemeToValue> logger)
{
    public async Task<Result<ThemeProposalDetail>> HandleAsync(long id, AddThemeToValueRequest request, Actor actor, CancellationToken ct)
    {
        var proposal = await db.Set<ThemeProposal>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (ThemeReviewRules.Undecidable(proposal, id) is { } refused)
        {
            return refused;
        }

        var key = Validate.Clean(request.Value);
        if (key is null)
        {
            return Result<ThemeProposalDetail>.Invalid("value", "Is required: the key of the value whose vocabulary gets the phrase.");
        }

        var value = await values.HandleAsync(key, ct);
        if (!value.IsOk)
        {
            return Result<ThemeProposalDetail>.Invalid("value", $"There is no value '{key}'.");
        }

        if (value.Value!.Status != ValueStatus.Active)
        {
            return Result<ThemeProposalDetail>.Invalid("value", $"Value '{value.Value.Key}' is not active: add the phrase to an active value.");
        }

        var vocabulary = value.Value.Vocabulary.Append(proposal!.Phrase).Cast<string?>().ToList();
        var updated = await update.HandleAsync(value.Value.Key, value.Value.Version, new ValueChanges { Vocabulary = vocabulary }, actor, ct);
        if (!updated.IsOk)
        {
            return updated.Errors.Count > 0 && updated.Kind == ResultKind.Invalid
                ? Result<ThemeProposalDetail>.Invalid("value", string.Join(" ", updated.Errors.SelectMany(e => e.Value)))
                : updated.As<ThemeProposalDetail>();
        }

        await ThemeReviewRules.DecideAsync(db, id, ProposalStatus.AddedToVocabulary, updated.Value!.Id, actor, clock.GetUtcNow(), ct);
        logger.LogInformation("Theme proposal {ProposalId} added to the vocabulary of value {ValueId}", id, updated.Value.Id);
        return await get.HandleAsync(id, ct);
    }
}

/// <summary>Dismisses a proposal: the phrase is not a theme, and is never proposed again.</summary>
public sealed class DismissThemeProposal(RapportDbContext db, GetThemeProposal get, TimeProvider clock, ILogger<DismissThemeProposal> logger)
{
    public async Task<Result<ThemeProposalDetail>> HandleAsync(long id, Actor actor, CancellationToken ct)
    {
        var proposal = await db.Set<ThemeProposal>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (ThemeReviewRules.Undecidable(proposal, id) is { } refused)
        {
            return refused;
        }

        if (!await ThemeReviewRules.DecideAsync(db, id, ProposalStatus.Dismissed, null, actor, clock.GetUtcNow(), ct))
        {
            return ThemeReviewRules.AlreadyDecided(id);
        }

        logger.LogInformation("Theme proposal {ProposalId} dismissed", id);
        return await get.HandleAsync(id, ct);
    }
}

public sealed class GetThemeProposal(RapportDbContext db)
{
    public async Task<Result<ThemeProposalDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var row = await (
                from p in db.Set<ThemeProposal>().AsNoTracking()
                join v in db.TaxonomyValues.AsNoTracking() on p.ValueId equals v.Id into values
                from v in values.DefaultIfEmpty()
                where p.Id == id
                select new { p, Key = v == null ? null : v.Key, Name = v == null ? null : v.Name })
            .SingleOrDefaultAsync(ct);
        return row is null
            ? Result<ThemeProposalDetail>.NotFound($"There is no theme proposal {id}.")
            : Result<ThemeProposalDetail>.Ok(ThemeReviewRules.Detail(row.p, row.Key, row.Name));
    }
}

internal static class ThemeReviewRules
{
    public static ThemeProposalDetail Detail(ThemeProposal p, string? key, string? name) => new(
        p.Id, p.Phrase, p.Texts, p.Score, JsonSerializer.Deserialize<List<string>>(p.Examples) ?? [], p.Status, key, name, p.DecidedBy, p.DecidedAt, p.UpdatedAt);

    public static Result<ThemeProposalDetail>? Undecidable(ThemeProposal? proposal, long id) =>
        proposal is null ? Result<ThemeProposalDetail>.NotFound($"There is no theme proposal {id}.")
        : proposal.Status != ProposalStatus.Proposed ? AlreadyDecided(id)
        : null;

    public static Result<ThemeProposalDetail> AlreadyDecided(long id) =>
        Result<ThemeProposalDetail>.Conflict($"Theme proposal {id} has been decided already.");

    /// <summary>Records the decision, only on a proposal still waiting (two reviewers at once: the first wins).</summary>
    public static async Task<bool> DecideAsync(RapportDbContext db, long id, ProposalStatus status, long? valueId, Actor actor, DateTimeOffset now, CancellationToken ct) =>
        await db.Set<ThemeProposal>()
            .Where(p => p.Id == id && p.Status == ProposalStatus.Proposed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, status)
                .SetProperty(p => p.ValueId, valueId)
                .SetProperty(p => p.DecidedByUserId, actor.UserId)
                .SetProperty(p => p.DecidedBy, RefreshThemeProposals.Truncate(actor.Name, ProposalLimits.DecidedBy))
                .SetProperty(p => p.DecidedAt, now)
                .SetProperty(p => p.UpdatedAt, now), ct) == 1;

    /// <summary>"Loyalty scheme!" → loyalty_scheme: lower-case ASCII letters and digits joined by underscores, starting with a letter.</summary>
    public static string KeyOf(string phrase)
    {
        var key = new StringBuilder();
        foreach (var c in phrase.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                key.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && key.Length > 0 && key[^1] != '_')
            {
                key.Append('_');
            }
        }

        var text = key.ToString().Trim('_').TrimStart("0123456789_".ToCharArray());
        return text.Length > ValueLimits.Key ? text[..ValueLimits.Key].TrimEnd('_') : text;
    }

    public static string NameOf(string phrase) =>
        phrase.Length == 0 ? phrase : string.Concat(char.ToUpperInvariant(phrase[0]).ToString(), phrase.AsSpan(1));
}

/// <summary>The key and name a proposal becomes by default when accepted as a value (what the review page pre-fills).</summary>
public static class ThemeReviewNames
{
    public static string Key(string phrase) => ThemeReviewRules.KeyOf(phrase);

    public static string Name(string phrase) => ThemeReviewRules.NameOf(phrase);
}
