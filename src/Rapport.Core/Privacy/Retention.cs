using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Privacy;

public sealed record RetentionRuleDetail(
    long Id, string Name, RetentionRuleKind Kind, int Months, bool Enabled, DateTimeOffset? DryRunAt, int? DryRunCount,
    DateTimeOffset? LastAppliedAt, int Version, string Description);

public sealed record SaveRetentionRule(string Name, RetentionRuleKind Kind, int Months);

/// <summary>One customer a rule would affect, and why.</summary>
public sealed record RetentionCandidate(long CustomerId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastActivityAt, string Reason);

public sealed record RetentionReport(long RuleId, long RunId, DateTimeOffset Cutoff, int Count, IReadOnlyList<RetentionCandidate> FirstPage);

public sealed record RetentionRunDetail(long Id, long RuleId, bool DryRun, long? StartedByUserId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int Matched, int Deleted, int Erased, string? Error);

/// <summary>Called after every retention run (dry or applied) with its record: the audit slice's seam.</summary>
public interface IRetentionRunFollowUp
{
    Task RanAsync(RetentionRun run, CancellationToken ct);
}

/// <summary>
/// Retention rules (docs/privacy-requests.md, "Retention"): create, change, dry-run (who would be affected and why),
/// enable (only after a dry run of the rule as it now stands), apply. Deleting prospects scrubs the logs as an erasure
/// does and then deletes the customer; anonymising is <see cref="EraseCustomer"/>.
/// </summary>
public sealed partial class RetentionRules(
    RapportDbContext db,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IEnumerable<IRetentionRunFollowUp> followUps,
    ILogger<RetentionRules> logger)
{
    public const int MaxMonths = 1200;
    public const int FirstPageSize = 50;

    public static string Describe(RetentionRuleKind kind, int months) => kind switch
    {
        RetentionRuleKind.DeleteInactiveProspects =>
            $"Delete prospects (stage prospecting, never bought) with no interaction, survey response or purchase for {Period(months)}.",
        _ => $"Erase (anonymise) customers with no purchase, interaction or survey response for {Period(months)}.",
    };

    private static string Period(int months) => months % 12 == 0
        ? $"{months / 12} year{(months == 12 ? "" : "s")}"
        : $"{months} month{(months == 1 ? "" : "s")}";

    public async Task<IReadOnlyList<RetentionRuleDetail>> ListAsync(CancellationToken ct) =>
        (await db.Set<RetentionRule>().AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct)).Select(Detail).ToList();

    public async Task<Result<RetentionRuleDetail>> GetAsync(long id, CancellationToken ct) =>
        await db.Set<RetentionRule>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) is { } rule
            ? Result<RetentionRuleDetail>.Ok(Detail(rule))
            : Result<RetentionRuleDetail>.NotFound($"There is no retention rule {id}.");

    public async Task<IReadOnlyList<RetentionRunDetail>> RunsAsync(long? ruleId, int limit, CancellationToken ct) =>
        await db.Set<RetentionRun>().AsNoTracking().Where(r => ruleId == null || r.RuleId == ruleId)
            .OrderByDescending(r => r.Id).Take(limit)
            .Select(r => new RetentionRunDetail(r.Id, r.RuleId, r.DryRun, r.StartedByUserId, r.StartedAt, r.FinishedAt, r.Matched, r.Deleted, r.Erased, r.Error))
            .ToListAsync(ct);

    public async Task<Result<RetentionRuleDetail>> CreateAsync(SaveRetentionRule request, CancellationToken ct)
    {
        if (Check(request) is { } invalid)
        {
            return invalid;
        }

        var rule = new RetentionRule { Name = request.Name.Trim(), Kind = request.Kind, Months = request.Months };
        db.Add(rule);
        await db.SaveChangesAsync(ct);
        return Result<RetentionRuleDetail>.Ok(Detail(rule));
    }

    /// <summary>Changes a rule; a change of kind or period clears its dry run and disables it (a new dry run is required).</summary>
    public async Task<Result<RetentionRuleDetail>> UpdateAsync(long id, int? expectedVersion, SaveRetentionRule request, CancellationToken ct)
    {
        if (Check(request) is { } invalid)
        {
            return invalid;
        }

        var rule = await db.Set<RetentionRule>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Result<RetentionRuleDetail>.NotFound($"There is no retention rule {id}.");
        }

        if (expectedVersion is { } v && v != rule.Version)
        {
            return Result<RetentionRuleDetail>.PreconditionFailed($"The rule changed since you read it (now version {rule.Version}).");
        }

        rule.Name = request.Name.Trim();
        if (rule.Kind != request.Kind || rule.Months != request.Months)
        {
            rule.Kind = request.Kind;
            rule.Months = request.Months;
            rule.DryRunAt = null;
            rule.DryRunCount = null;
            rule.Enabled = false;
        }

        await db.SaveChangesAsync(ct);
        return Result<RetentionRuleDetail>.Ok(Detail(rule));
    }

    public async Task<Result<RetentionRuleDetail>> DeleteAsync(long id, CancellationToken ct)
    {
        var rule = await db.Set<RetentionRule>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Result<RetentionRuleDetail>.NotFound($"There is no retention rule {id}.");
        }

        db.Remove(rule);
        await db.SaveChangesAsync(ct);
        return Result<RetentionRuleDetail>.Ok(Detail(rule));
    }

    /// <summary>Switches a rule on or off. On requires a dry run of the rule as it now stands.</summary>
    public async Task<Result<RetentionRuleDetail>> SetEnabledAsync(long id, bool enabled, CancellationToken ct)
    {
        var rule = await db.Set<RetentionRule>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Result<RetentionRuleDetail>.NotFound($"There is no retention rule {id}.");
        }

        if (enabled && rule.DryRunAt is null)
        {
            return Result<RetentionRuleDetail>.Conflict("Run a dry run of this rule first: it shows who would be affected and why.", "enabled");
        }

        rule.Enabled = enabled;
        await db.SaveChangesAsync(ct);
        return Result<RetentionRuleDetail>.Ok(Detail(rule));
    }

    /// <summary>Who the rule would affect now, and why: the count, the first page, and a run record. Changes nothing else.</summary>
    public async Task<Result<RetentionReport>> DryRunAsync(long id, long? userId, CancellationToken ct)
    {
        var rule = await db.Set<RetentionRule>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Result<RetentionReport>.NotFound($"There is no retention rule {id}.");
        }

        var now = clock.GetUtcNow();
        var cutoff = Cutoff(rule, now);
        var candidates = await CandidatesAsync(rule, now, null, ct);
        var run = new RetentionRun { RuleId = rule.Id, DryRun = true, StartedByUserId = userId, StartedAt = now, FinishedAt = clock.GetUtcNow(), Matched = candidates.Count };
        db.Add(run);
        rule.DryRunAt = now;
        rule.DryRunCount = candidates.Count;
        await db.SaveChangesAsync(ct);
        await FollowUpAsync(run, ct);
        return Result<RetentionReport>.Ok(new RetentionReport(rule.Id, run.Id, cutoff, candidates.Count, candidates.Take(FirstPageSize).ToList()));
    }

    /// <summary>Everyone the rule would affect, for the dry run's CSV.</summary>
    public async Task<Result<IReadOnlyList<RetentionCandidate>>> CandidatesAsync(long id, CancellationToken ct)
    {
        var rule = await db.Set<RetentionRule>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        return rule is null
            ? Result<IReadOnlyList<RetentionCandidate>>.NotFound($"There is no retention rule {id}.")
            : Result<IReadOnlyList<RetentionCandidate>>.Ok(await CandidatesAsync(rule, clock.GetUtcNow(), null, ct));
    }

    /// <summary>Applies one rule now (it must have been dry-run). Each customer is handled in its own transaction.</summary>
    public async Task<Result<RetentionRunDetail>> ApplyAsync(long id, long? userId, CancellationToken ct)
    {
        var rule = await db.Set<RetentionRule>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Result<RetentionRunDetail>.NotFound($"There is no retention rule {id}.");
        }

        if (rule.DryRunAt is null)
        {
            return Result<RetentionRunDetail>.Conflict("Run a dry run of this rule first: it shows who would be affected and why.");
        }

        var now = clock.GetUtcNow();
        var run = new RetentionRun { RuleId = rule.Id, DryRun = false, StartedByUserId = userId, StartedAt = now };
        db.Add(run);
        await db.SaveChangesAsync(ct);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var candidates = await CandidatesAsync(rule, now, null, ct);
            run.Matched = candidates.Count;
            foreach (var candidate in candidates)
            {
                ct.ThrowIfCancellationRequested();
                await using var scope = scopes.CreateAsyncScope();
                var erase = scope.ServiceProvider.GetRequiredService<EraseCustomer>();
                var reason = string.Create(CultureInfo.InvariantCulture, $"Retention rule {rule.Id} ({rule.Name}): {candidate.Reason}");
                var erased = await erase.HandleAsync(candidate.CustomerId, new EraseCustomer.Options(UserId: userId, Reason: reason, CleanDisk: false), ct);
                if (!erased.IsOk)
                {
                    continue;
                }

                if (rule.Kind == RetentionRuleKind.DeleteInactiveProspects)
                {
                    var delete = scope.ServiceProvider.GetRequiredService<DeleteCustomer>();
                    if ((await delete.HandleAsync(candidate.CustomerId, null, ct)).IsOk)
                    {
                        run.Deleted++;
                    }
                }
                else
                {
                    run.Erased++;
                }
            }

            if (run.Deleted + run.Erased > 0)
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<EraseCustomer>().CleanDiskAsync(ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Error = e.GetType().Name + ": " + e.Message[..Math.Min(e.Message.Length, 1500)];
            LogFailed(e, rule.Id);
        }

        run.FinishedAt = clock.GetUtcNow();
        rule.LastAppliedAt = now;
        await db.SaveChangesAsync(ct);
        await FollowUpAsync(run, ct);
        LogApplied(rule.Id, run.Matched, run.Deleted, run.Erased, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Result<RetentionRunDetail>.Ok(new RetentionRunDetail(run.Id, run.RuleId, run.DryRun, run.StartedByUserId, run.StartedAt, run.FinishedAt,
            run.Matched, run.Deleted, run.Erased, run.Error));
    }

    /// <summary>The daily job: applies every enabled rule not applied in the last 23 hours. Returns how many customers it handled.</summary>
    public async Task<int> ApplyDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.Set<RetentionRule>().AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Id).ToListAsync(ct);
        var handled = 0;
        foreach (var rule in due.Where(r => r.LastAppliedAt is null || now - r.LastAppliedAt >= TimeSpan.FromHours(23)))
        {
            var result = await ApplyAsync(rule.Id, null, ct);
            handled += result.Value is { } run ? run.Deleted + run.Erased : 0;
        }

        return handled;
    }

    public static DateTimeOffset Cutoff(RetentionRule rule, DateTimeOffset now) => now.ToUniversalTime().AddMonths(-rule.Months);

    private async Task<IReadOnlyList<RetentionCandidate>> CandidatesAsync(RetentionRule rule, DateTimeOffset now, int? limit, CancellationToken ct)
    {
        var cutoff = Cutoff(rule, now);
        var prospects = rule.Kind == RetentionRuleKind.DeleteInactiveProspects;
        var sql = $"""
            SELECT c.id AS CustomerId, c.first_name AS FirstName, c.last_name AS LastName, c.email AS Email, c.created_at AS CreatedAt,
                   (SELECT MAX(t.occurred_at) FROM transactions t WHERE t.customer_id = c.id) AS LastPurchase,
                   (SELECT MAX(i.occurred_at) FROM interactions i WHERE i.customer_id = c.id) AS LastInteraction,
                   (SELECT MAX(r.submitted_at) FROM survey_responses r WHERE r.customer_id = c.id) AS LastResponse
            FROM customers c
            {(prospects ? "LEFT JOIN customer_metrics m ON m.customer_id = c.id" : "")}
            WHERE c.erased_at IS NULL AND c.created_at < @cutoff
              {(prospects ? "AND COALESCE(m.stage, 0) = 0 AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.customer_id = c.id)" : "AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.customer_id = c.id AND t.occurred_at >= @cutoff)")}
              AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id AND i.occurred_at >= @cutoff)
              AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.customer_id = c.id AND r.submitted_at >= @cutoff)
            ORDER BY c.id
            {(limit is null ? "" : "LIMIT " + limit.Value.ToString(CultureInfo.InvariantCulture))}
            """;
        var connection = db.Database.GetDbConnection();
        var rows = await connection.QueryAsync<CandidateRow>(new CommandDefinition(sql, new { cutoff = DbValues.Instant(db, cutoff) },
            db.Database.CurrentTransaction?.GetDbTransaction(), cancellationToken: ct, commandTimeout: 600));
        var since = cutoff.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return rows.Select(r =>
        {
            var last = new[] { Instant(r.LastPurchase), Instant(r.LastInteraction), Instant(r.LastResponse) }.Where(x => x is not null).Max();
            var reason = prospects
                ? $"Prospect since {Day(Instant(r.CreatedAt))}, never bought, no interaction or survey response since {since}" + (last is null ? " (none ever)." : $" (last {Day(last)}).")
                : last is null
                    ? $"Customer since {Day(Instant(r.CreatedAt))}, no purchase, interaction or survey response ever."
                    : $"No purchase, interaction or survey response since {since} (last {Day(last)}).";
            return new RetentionCandidate(r.CustomerId, CustomerNames.Display(r.FirstName, r.LastName, r.Email, r.CustomerId), Instant(r.CreatedAt)!.Value, last, reason);
        }).ToList();
    }

    private static string Day(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "?";

    /// <summary>SQLite returns instants as ISO text, PostgreSQL as DateTime (UTC).</summary>
    private static DateTimeOffset? Instant(object? value) => value switch
    {
        null => null,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset o => o,
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => null,
    };

    private sealed class CandidateRow
    {
        public long CustomerId { get; set; }
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? Email { get; set; }
        public object? CreatedAt { get; set; }
        public object? LastPurchase { get; set; }
        public object? LastInteraction { get; set; }
        public object? LastResponse { get; set; }
    }

    private async Task FollowUpAsync(RetentionRun run, CancellationToken ct)
    {
        foreach (var followUp in followUps)
        {
            await followUp.RanAsync(run, ct);
        }
    }

    private static Result<RetentionRuleDetail>? Check(SaveRetentionRule request)
    {
        var errors = new FieldErrors();
        var name = Validate.Clean(request.Name);
        Validate.Required(errors, "name", name);
        Validate.MaxLength(errors, "name", name, 200);
        if (!Enum.IsDefined(request.Kind))
        {
            errors.Add("kind", "Must be deleteInactiveProspects or eraseInactiveCustomers.");
        }

        if (request.Months is < 1 or > MaxMonths)
        {
            errors.Add("months", $"Must be between 1 and {MaxMonths}.");
        }

        return errors.Any ? errors.ToResult<RetentionRuleDetail>() : null;
    }

    private static RetentionRuleDetail Detail(RetentionRule r) =>
        new(r.Id, r.Name, r.Kind, r.Months, r.Enabled, r.DryRunAt, r.DryRunCount, r.LastAppliedAt, r.Version, Describe(r.Kind, r.Months));

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention rule {RuleId} applied: {Matched} matched, {Deleted} deleted, {Erased} erased in {ElapsedMs} ms")]
    private partial void LogApplied(long ruleId, int matched, int deleted, int erased, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention rule {RuleId} failed part-way; the run records what was done")]
    private partial void LogFailed(Exception e, long ruleId);
}

/// <summary>
/// The daily retention job: every hour (wall clock, like the other sweepers) it applies each enabled rule whose last
/// application is 23 hours or more behind the app clock, so each rule runs once a day. <c>Rapport:Retention:Background</c>
/// = false turns it off (tests apply rules by hand).
/// </summary>
public sealed class RetentionSweeper(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<RetentionSweeper> logger) : HourlySweeper(logger)
{
    protected override string What => "customers by retention rules";

    protected override async Task<int> SweepAsync(CancellationToken ct)
    {
        if (!configuration.GetValue("Rapport:Retention:Background", true))
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RetentionRules>().ApplyDueAsync(ct);
    }
}
