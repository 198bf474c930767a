using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Stages;

/// <summary>An override: <paramref name="Stage"/> is a stage key (<c>prospecting</c> … <c>loyalty</c>); the reason is required; the expiry optional and in the future.</summary>
public sealed record SetStageOverrideRequest(string? Stage, string? Reason, DateTimeOffset? ExpiresAt = null);

public sealed record StageOverrideDetail(Stage Stage, string Reason, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, long? CreatedByUserId, string? CreatedBy);

/// <summary>One step of the history, for the API and the customer page.</summary>
public sealed record StageChangeRow(long Id, Stage? From, Stage To, DateTimeOffset At, StageChangeSource Source, string? Reason, long? UserId, string? UserName);

/// <summary>A customer's stage: now, since when, the override that holds it (if any) and the history, newest first.</summary>
public sealed record CustomerStageDetail(long CustomerId, Stage Stage, DateTimeOffset? Since, StageOverrideDetail? Override, IReadOnlyList<StageChangeRow> History);

public sealed class GetCustomerStage(RapportDbContext db)
{
    public async Task<Result<CustomerStageDetail>> HandleAsync(long customerId, CancellationToken ct)
    {
        var metrics = await db.Set<CustomerMetrics>().AsNoTracking().Where(m => m.CustomerId == customerId)
            .Select(m => new { m.Stage, m.StageSince }).FirstOrDefaultAsync(ct);
        if (metrics is null)
        {
            return Result<CustomerStageDetail>.NotFound($"There is no customer {customerId}.");
        }

        var users = db.Users.AsNoTracking();
        var overrideRow = await db.Set<StageOverride>().AsNoTracking().Where(o => o.CustomerId == customerId)
            .Select(o => new StageOverrideDetail(o.Stage, o.Reason, o.ExpiresAt, o.CreatedAt, o.CreatedByUserId,
                users.Where(u => u.Id == o.CreatedByUserId).Select(u => u.DisplayName).FirstOrDefault()))
            .FirstOrDefaultAsync(ct);
        var history = await db.Set<StageChange>().AsNoTracking().Where(c => c.CustomerId == customerId)
            .OrderByDescending(c => c.ChangedAt).ThenByDescending(c => c.Id)
            .Select(c => new StageChangeRow(c.Id, c.FromStage, c.ToStage, c.ChangedAt, c.Source, c.Reason, c.UserId,
                users.Where(u => u.Id == c.UserId).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(ct);
        return Result<CustomerStageDetail>.Ok(new CustomerStageDetail(customerId, metrics.Stage, metrics.StageSince, overrideRow, history));
    }
}

/// <summary>Sets (or replaces) a customer's override and applies it at once.</summary>
public sealed class SetStageOverride(RapportDbContext db, StageEngine engine, GetCustomerStage get, TimeProvider clock)
{
    public async Task<Result<CustomerStageDetail>> HandleAsync(long customerId, SetStageOverrideRequest request, long? userId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var stage = Stage.Prospecting;
        if (Validate.Clean(request.Stage) is not { } key)
        {
            errors.Add("stage", "Is required.");
        }
        else if (!Stages.TryParse(key, out stage))
        {
            errors.Add("stage", $"Unknown stage; use one of {string.Join(", ", Stages.All.Select(s => s.Key()))}.");
        }

        var reason = Validate.Clean(request.Reason);
        Validate.Required(errors, "reason", reason);
        Validate.MaxLength(errors, "reason", reason, StageLimits.Reason);
        var now = clock.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            errors.Add("expiresAt", "Must be in the future (leave it out for an override without end).");
        }

        if (errors.Any)
        {
            return errors.ToResult<CustomerStageDetail>();
        }

        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<CustomerStageDetail>.NotFound($"There is no customer {customerId}.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Set<StageOverride>().FirstOrDefaultAsync(o => o.CustomerId == customerId, ct);
        if (row is null)
        {
            row = new StageOverride { CustomerId = customerId };
            db.Add(row);
        }

        row.Stage = stage;
        row.Reason = reason!;
        row.ExpiresAt = request.ExpiresAt?.ToUniversalTime();
        row.CreatedByUserId = userId;
        row.CreatedAt = now;
        await db.SaveChangesAsync(ct);
        await engine.EvaluateAsync(customerId, StageChangeSource.Rules, ct);
        await transaction.CommitAsync(ct);
        return await get.HandleAsync(customerId, ct);
    }
}

/// <summary>Removes a customer's override; the rules place them again at once (history source OverrideEnded).</summary>
public sealed class RemoveStageOverride(RapportDbContext db, StageEngine engine, GetCustomerStage get)
{
    public async Task<Result<CustomerStageDetail>> HandleAsync(long customerId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Set<StageOverride>().Where(o => o.CustomerId == customerId).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return await db.Customers.AnyAsync(c => c.Id == customerId, ct)
                ? Result<CustomerStageDetail>.NotFound($"Customer {customerId} has no stage override.")
                : Result<CustomerStageDetail>.NotFound($"There is no customer {customerId}.");
        }

        await engine.EvaluateAsync(customerId, StageChangeSource.OverrideEnded, ct);
        await transaction.CommitAsync(ct);
        return await get.HandleAsync(customerId, ct);
    }
}

/// <summary>Ends every expired override: the customers go back on the rules (history source OverrideEnded). Returns how many.</summary>
public sealed class EndExpiredOverrides(RapportDbContext db, StageEngine engine, TimeProvider clock)
{
    public async Task<int> HandleAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ids = await db.Set<StageOverride>().Where(o => o.ExpiresAt != null && o.ExpiresAt <= now).Select(o => o.CustomerId).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        // Evaluated while the rows still exist: the engine sees them expired and records OverrideEnded.
        await engine.EvaluateManyAsync(ids, StageChangeSource.OverrideEnded, ct);
        await db.Set<StageOverride>().Where(o => ids.Contains(o.CustomerId)).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return ids.Count;
    }
}

/// <summary>The hourly sweep of expired overrides (<see cref="EndExpiredOverrides"/>).</summary>
public sealed class StageOverrideSweeper(IServiceScopeFactory scopes, ILogger<StageOverrideSweeper> logger) : HourlySweeper(logger)
{
    protected override string What => "expired stage overrides";

    protected override async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EndExpiredOverrides>().HandleAsync(ct);
    }
}
