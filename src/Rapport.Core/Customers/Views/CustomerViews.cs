using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Companies;
using Rapport.Data;
using Rapport.Segments;

namespace Rapport.Customers.Views;

/// <summary>Who asks: the signed-in user or the API key (one of the two), whether they are an admin, whether they may share (write-catalog).</summary>
public sealed record ViewCaller(long? UserId, long? ApiKeyId, bool IsAdmin, bool CanShare)
{
    public bool Owns(CustomerView view) =>
        (UserId is { } user && view.OwnerUserId == user) || (ApiKeyId is { } key && view.OwnerApiKeyId == key);
}

/// <param name="Mine">Whether the caller owns it.</param>
/// <param name="OwnerName">The owner's display name, or "API key …" for a view an API key made.</param>
/// <param name="CanEdit">Whether the caller may change or delete it: its owner or an admin.</param>
public sealed record CustomerViewDetail(
    long Id,
    string Name,
    bool Shared,
    long? OwnerId,
    string? OwnerName,
    bool Mine,
    bool CanEdit,
    CustomerViewDefinition Definition,
    DateTimeOffset UpdatedAt,
    int Version);

public sealed record CustomerViewRequest(string? Name, bool? Shared, CustomerViewDefinition? Definition);

/// <summary>
/// Saved customer-list views (docs/customer-views.md). Personal views are seen by their owner only (others get 404);
/// shared views by everyone; only the owner or an admin changes a view. Saving needs write-crm, sharing write-catalog (checked by the callers).
/// </summary>
public sealed class CustomerViews(RapportDbContext db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static bool Visible(CustomerView view, ViewCaller caller) => view.Shared || caller.Owns(view);

    public static bool CanEdit(CustomerView view, ViewCaller caller) => caller.IsAdmin || caller.Owns(view);

    /// <summary>The views the caller sees: shared ones and their own, by name.</summary>
    public async Task<IReadOnlyList<CustomerViewDetail>> ListAsync(ViewCaller caller, CancellationToken ct)
    {
        var user = caller.UserId ?? -1;
        var key = caller.ApiKeyId ?? -1;
        var views = await db.Set<CustomerView>().AsNoTracking().Where(v => v.Shared || v.OwnerUserId == user || v.OwnerApiKeyId == key)
            .OrderBy(v => v.Name).ThenBy(v => v.Id).Take(500).ToListAsync(ct);
        return await DetailsAsync(views, caller, ct);
    }

    public async Task<Result<CustomerViewDetail>> GetAsync(long id, ViewCaller caller, CancellationToken ct)
    {
        var view = await db.Set<CustomerView>().AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, ct);
        return view is null || !Visible(view, caller)
            ? Result<CustomerViewDetail>.NotFound($"There is no view {id}.")
            : Result<CustomerViewDetail>.Ok((await DetailsAsync([view], caller, ct))[0]);
    }

    /// <summary>The stored row when the caller sees it (for the endpoints' 404 / 403 checks).</summary>
    public async Task<CustomerView?> FindVisibleAsync(long id, ViewCaller caller, CancellationToken ct)
    {
        var view = await db.Set<CustomerView>().AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, ct);
        return view is not null && Visible(view, caller) ? view : null;
    }

    public async Task<Result<CustomerViewDetail>> CreateAsync(CustomerViewRequest request, ViewCaller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (name, shared, definition) = await ReadAsync(request, caller, errors, ct);
        if (errors.Any)
        {
            return errors.ToResult<CustomerViewDetail>();
        }

        var view = db.Set<CustomerView>().Add(new CustomerView
        {
            Name = name!,
            Shared = shared,
            OwnerUserId = caller.UserId,
            OwnerApiKeyId = caller.UserId is null ? caller.ApiKeyId : null,
            Definition = JsonSerializer.Serialize(definition, Json),
        }).Entity;
        await db.SaveChangesAsync(ct);
        return Result<CustomerViewDetail>.Ok((await DetailsAsync([view], caller, ct))[0]);
    }

    /// <summary>Replaces name, sharing and definition. The caller must be allowed to edit (checked again here: 404 otherwise).</summary>
    public async Task<Result<CustomerViewDetail>> UpdateAsync(long id, CustomerViewRequest request, int? version, ViewCaller caller, CancellationToken ct)
    {
        var view = await db.Set<CustomerView>().SingleOrDefaultAsync(v => v.Id == id, ct);
        if (view is null || !Visible(view, caller) || !CanEdit(view, caller))
        {
            return Result<CustomerViewDetail>.NotFound($"There is no view {id} you may change.");
        }

        if (version is { } expected && expected != view.Version)
        {
            return Result<CustomerViewDetail>.PreconditionFailed("The view changed since you read it.");
        }

        var errors = new FieldErrors();
        var (name, shared, definition) = await ReadAsync(request, caller, errors, ct);
        if (errors.Any)
        {
            return errors.ToResult<CustomerViewDetail>();
        }

        view.Name = name!;
        view.Shared = shared;
        view.Definition = JsonSerializer.Serialize(definition, Json);
        db.Entry(view).State = EntityState.Modified;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<CustomerViewDetail>.PreconditionFailed("The view changed since you read it.");
        }

        return Result<CustomerViewDetail>.Ok((await DetailsAsync([view], caller, ct))[0]);
    }

    public async Task<Result<bool>> DeleteAsync(long id, int? version, ViewCaller caller, CancellationToken ct)
    {
        var view = await db.Set<CustomerView>().SingleOrDefaultAsync(v => v.Id == id, ct);
        if (view is null || !Visible(view, caller) || !CanEdit(view, caller))
        {
            return Result<bool>.NotFound($"There is no view {id} you may delete.");
        }

        if (version is { } expected && expected != view.Version)
        {
            return Result<bool>.PreconditionFailed("The view changed since you read it.");
        }

        db.Set<CustomerView>().Remove(view);
        await db.SaveChangesAsync(ct);
        return Result<bool>.Ok(true);
    }

    public static CustomerViewDefinition Definition(CustomerView view) =>
        JsonSerializer.Deserialize<CustomerViewDefinition>(view.Definition, Json) ?? new CustomerViewDefinition();

    /// <summary>Checks a definition as the list would: every filter and the sort must be known, columns from the catalogue.</summary>
    public async Task<CustomerViewDefinition> CheckDefinitionAsync(CustomerViewDefinition? definition, string prefix, FieldErrors errors, CancellationToken ct)
    {
        var d = definition ?? new CustomerViewDefinition();
        var q = Validate.Clean(d.Q);
        Validate.MaxLength(errors, prefix + "q", q, SearchCustomers.MaxQueryLength);
        var tag = Validate.Clean(d.Tag)?.ToLowerInvariant();
        Validate.MaxLength(errors, prefix + "tag", tag, CustomerLimits.Tag);
        var stage = Validate.Clean(d.Stage);
        if (stage is not null)
        {
            if (Stages.Stages.TryParse(stage, out var parsed))
            {
                stage = Stages.Stages.Key(parsed);
            }
            else
            {
                errors.Add(prefix + "stage", $"Must be one of: {string.Join(", ", Stages.Stages.All.Select(s => Stages.Stages.Key(s)))}.");
            }
        }

        var rfm = Validate.Clean(d.RfmSegment)?.ToLowerInvariant();
        if (rfm is not null && !CustomerViewRules.IsRfmSegment(rfm))
        {
            errors.Add(prefix + "rfmSegment", "Is not an RFM segment.");
        }

        var sort = Validate.Clean(d.Sort);
        if (!CustomerSort.TryParse(sort, out _))
        {
            errors.Add(prefix + "sort", $"Must be one of: {string.Join(", ", CustomerSort.Accepted)}.");
        }

        if (d.SegmentId is { } segmentId && !await db.Set<Segment>().AnyAsync(s => s.Id == segmentId, ct))
        {
            errors.Add(prefix + "segmentId", $"There is no segment {segmentId}.");
        }

        if (d.CompanyId is { } companyId && !await db.Set<Company>().AnyAsync(c => c.Id == companyId, ct))
        {
            errors.Add(prefix + "companyId", $"There is no company {companyId}.");
        }

        if (d.OwnerId is { } ownerId && !await db.Users.AnyAsync(u => u.Id == ownerId, ct))
        {
            errors.Add(prefix + "ownerId", $"There is no user {ownerId}.");
        }

        var columns = CustomerViewRules.ReadColumns(d.Columns, prefix + "columns", errors);
        return new CustomerViewDefinition(q, tag, d.CompanyId, d.OwnerId, stage, d.SegmentId, rfm, sort, columns);
    }

    private async Task<(string? Name, bool Shared, CustomerViewDefinition Definition)> ReadAsync(CustomerViewRequest request, ViewCaller caller, FieldErrors errors, CancellationToken ct)
    {
        var name = Validate.Clean(request.Name);
        Validate.Required(errors, "name", name);
        Validate.MaxLength(errors, "name", name, CustomerViewRules.MaxName);
        if (name is not null && Validate.HasControl(name))
        {
            errors.Add("name", "Must not contain control characters.");
        }

        var shared = request.Shared ?? false;
        if (shared && !caller.CanShare)
        {
            errors.Add("shared", "Only admin and marketing users may share a view.");
        }

        var definition = await CheckDefinitionAsync(request.Definition, "definition.", errors, ct);
        return (name, shared, definition);
    }

    private async Task<IReadOnlyList<CustomerViewDetail>> DetailsAsync(IReadOnlyList<CustomerView> views, ViewCaller caller, CancellationToken ct)
    {
        var owners = views.Where(v => v.OwnerUserId is not null).Select(v => v.OwnerUserId!.Value).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => owners.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var keyIds = views.Where(v => v.OwnerApiKeyId is not null).Select(v => v.OwnerApiKeyId!.Value).Distinct().ToList();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => "API key " + k.Name, ct);
        return [.. views.Select(v => new CustomerViewDetail(v.Id, v.Name, v.Shared, v.OwnerUserId,
            v.OwnerUserId is { } o ? names.GetValueOrDefault(o) : v.OwnerApiKeyId is { } k ? keys.GetValueOrDefault(k) : null,
            caller.Owns(v), CanEdit(v, caller), Definition(v), v.UpdatedAt, v.Version))];
    }
}
