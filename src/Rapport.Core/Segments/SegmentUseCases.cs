using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Segments;

public sealed record SegmentFieldInfo(string Key, string Label, string Type, string Group, IReadOnlyList<string> Ops, IReadOnlyList<FieldOption>? Options);

public sealed record SegmentPreview(long Count, IReadOnlyList<MemberRow> Sample);

/// <summary>Create or change a segment. On update, a null property keeps the stored value.</summary>
public sealed record SegmentRequest(string? Name, string? Description, string? Kind, JsonElement? Rules);

public sealed record SegmentDetail(
    long Id, string Name, string? Description, string Kind, JsonElement Rules, int MemberCount,
    DateTimeOffset? EvaluatedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

public sealed record SegmentEventRow(long Id, long CustomerId, string Kind, DateTimeOffset At);

public static class SegmentContracts
{
    public static string KindKey(SegmentKind kind) => kind == SegmentKind.Dynamic ? "dynamic" : "static";

    public static SegmentDetail Detail(Segment s)
    {
        using var document = JsonDocument.Parse(s.Rules);
        return new SegmentDetail(s.Id, s.Name, s.Description, KindKey(s.Kind), document.RootElement.Clone(), s.MemberCount, s.EvaluatedAt, s.CreatedAt, s.UpdatedAt, s.Version);
    }
}

public sealed class ListSegmentFields(RapportDbContext db, Access.AccessContext access)
{
    public async Task<IReadOnlyList<SegmentFieldInfo>> HandleAsync(CancellationToken ct)
    {
        var catalogue = await SegmentFieldCatalogue.LoadAsync(db, ct, access.CanViewSensitive);
        return [.. catalogue.Fields.Select(f => new SegmentFieldInfo(f.Key, f.Label, f.Type.Key(), f.Group, [.. f.Ops.Select(o => o.Key())], f.Options))];
    }
}

/// <summary>Validates rules (<see cref="RuleParser"/>) and, for a stored segment, refuses references to itself and cycles.</summary>
public sealed class SegmentRuleValidator(RapportDbContext db, SegmentEngine engine, Access.AccessContext access)
{
    public async Task<(RuleNode? Rules, SegmentDefinitions Definitions)> ValidateAsync(JsonElement? rules, long? segmentId, FieldErrors errors, CancellationToken ct)
    {
        var definitions = await engine.DefinitionsAsync(ct);
        if (rules is not { } root || root.ValueKind == JsonValueKind.Undefined || root.ValueKind == JsonValueKind.Null)
        {
            errors.Add("rules", "Required: a rule tree such as {\"all\":[{\"field\":\"city\",\"op\":\"eq\",\"value\":\"Lyon\"}]}.");
            return (null, definitions);
        }

        var catalogue = await SegmentFieldCatalogue.LoadAsync(db, ct, access.CanViewSensitive);
        var parser = new RuleParser(catalogue, errors);
        var node = parser.Node(root, "rules", 1);
        if (node is null || errors.Any || segmentId is not { } self)
        {
            return (errors.Any ? null : node, definitions);
        }

        foreach (var (referenced, path) in parser.References)
        {
            if (referenced == self)
            {
                errors.Add(path, "A segment cannot refer to itself.");
                continue;
            }

            if (PathTo(referenced, self, definitions, []) is { } chain)
            {
                errors.Add(path, $"This would make a cycle of segments: {self} → {string.Join(" → ", chain)}.");
            }
        }

        return (errors.Any ? null : node, definitions);
    }

    /// <summary>The chain of references from <paramref name="from"/> to <paramref name="target"/>, or null.</summary>
    private static List<long>? PathTo(long from, long target, SegmentDefinitions definitions, HashSet<long> seen)
    {
        if (from == target)
        {
            return [from];
        }

        if (!seen.Add(from) || !definitions.ById.TryGetValue(from, out var d) || d.Rules is null)
        {
            return null;
        }

        foreach (var next in RuleTrees.References(d.Rules))
        {
            if (PathTo(next, target, definitions, seen) is { } rest)
            {
                return [from, .. rest];
            }
        }

        return null;
    }
}

public sealed class PreviewSegment(SegmentRuleValidator validator, SegmentEngine engine)
{
    public const int SampleSize = 10;

    public async Task<Result<SegmentPreview>> HandleAsync(JsonElement? rules, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (node, definitions) = await validator.ValidateAsync(rules, null, errors, ct);
        if (node is null)
        {
            return errors.ToResult<SegmentPreview>();
        }

        var (count, sample) = await engine.PreviewAsync(node, definitions, SampleSize, ct);
        return Result<SegmentPreview>.Ok(new SegmentPreview(count, sample));
    }
}

public sealed class GetSegment(RapportDbContext db)
{
    public async Task<Result<SegmentDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var segment = await db.Set<Segment>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return segment is null ? Result<SegmentDetail>.NotFound($"Segment {id} does not exist.") : Result<SegmentDetail>.Ok(SegmentContracts.Detail(segment));
    }
}

public sealed class ListSegments(RapportDbContext db)
{
    public async Task<IReadOnlyList<SegmentDetail>> HandleAsync(CancellationToken ct)
    {
        var segments = await db.Set<Segment>().AsNoTracking().OrderBy(s => s.Name).ThenBy(s => s.Id).ToListAsync(ct);
        return [.. segments.Select(SegmentContracts.Detail)];
    }
}

public sealed class CreateSegment(RapportDbContext db, SegmentRuleValidator validator, SegmentEngine engine)
{
    public async Task<Result<SegmentDetail>> HandleAsync(SegmentRequest request, long? userId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = SegmentInput.Name(request.Name, errors, required: true);
        var description = SegmentInput.Description(request.Description, errors);
        var kind = SegmentInput.Kind(request.Kind, errors) ?? SegmentKind.Dynamic;
        var (rules, definitions) = await validator.ValidateAsync(request.Rules, null, errors, ct);
        if (errors.Any || rules is null)
        {
            return errors.ToResult<SegmentDetail>();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await SegmentInput.NameTakenAsync(db, name!, null, ct))
        {
            return Result<SegmentDetail>.Conflict($"A segment named '{name}' exists already.", "name");
        }

        var segment = new Segment
        {
            Name = name!, Description = description, Kind = kind, Rules = request.Rules!.Value.GetRawText(), CreatedByUserId = userId,
        };
        db.Add(segment);
        await db.SaveChangesAsync(ct);
        await engine.BuildAsync(segment.Id, rules, definitions, ct);
        await transaction.CommitAsync(ct);
        await db.Entry(segment).ReloadAsync(ct);
        return Result<SegmentDetail>.Ok(SegmentContracts.Detail(segment));
    }
}

public sealed class UpdateSegment(RapportDbContext db, SegmentRuleValidator validator, SegmentEngine engine)
{
    public async Task<Result<SegmentDetail>> HandleAsync(long id, int? expectedVersion, SegmentRequest request, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var segment = await db.Set<Segment>().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null)
        {
            return Result<SegmentDetail>.NotFound($"Segment {id} does not exist.");
        }

        if (expectedVersion is { } version && version != segment.Version)
        {
            return Result<SegmentDetail>.PreconditionFailed($"Segment {id} is at version {segment.Version}, not {version}; read it again.");
        }

        var errors = new FieldErrors();
        var name = request.Name is null ? null : SegmentInput.Name(request.Name, errors, required: true);
        var description = SegmentInput.Description(request.Description, errors);
        var kind = SegmentInput.Kind(request.Kind, errors);
        RuleNode? rules = null;
        SegmentDefinitions? definitions = null;
        if (request.Rules is not null)
        {
            (rules, definitions) = await validator.ValidateAsync(request.Rules, id, errors, ct);
        }

        if (errors.Any)
        {
            return errors.ToResult<SegmentDetail>();
        }

        if (name is not null && await SegmentInput.NameTakenAsync(db, name, id, ct))
        {
            return Result<SegmentDetail>.Conflict($"A segment named '{name}' exists already.", "name");
        }

        var rebuild = (rules is not null && request.Rules!.Value.GetRawText() != segment.Rules) || (kind is { } k && k != segment.Kind);
        segment.Name = name ?? segment.Name;
        segment.Description = request.Description is null ? segment.Description : description;
        segment.Kind = kind ?? segment.Kind;
        if (rules is not null)
        {
            segment.Rules = request.Rules!.Value.GetRawText();
        }

        await db.SaveChangesAsync(ct);
        if (rebuild)
        {
            definitions = await engine.DefinitionsAsync(ct);
            rules ??= definitions.ById[id].Rules;
            if (rules is not null)
            {
                await engine.BuildAsync(id, rules, definitions, ct);
            }
        }

        await transaction.CommitAsync(ct);
        await db.Entry(segment).ReloadAsync(ct);
        return Result<SegmentDetail>.Ok(SegmentContracts.Detail(segment));
    }
}

public sealed class DeleteSegment(RapportDbContext db, SegmentEngine engine)
{
    public async Task<Result<bool>> HandleAsync(long id, int? expectedVersion, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var segment = await db.Set<Segment>().AsNoTracking().Where(s => s.Id == id).Select(s => new { s.Version }).SingleOrDefaultAsync(ct);
        if (segment is null)
        {
            return Result<bool>.NotFound($"Segment {id} does not exist.");
        }

        if (expectedVersion is { } version && version != segment.Version)
        {
            return Result<bool>.PreconditionFailed($"Segment {id} is at version {segment.Version}, not {version}; read it again.");
        }

        var definitions = await engine.DefinitionsAsync(ct);
        var users = definitions.ById.Values.Where(d => d.Id != id && d.Rules is not null && RuleTrees.References(d.Rules).Contains(id)).Select(d => d.Id).ToList();
        if (users.Count > 0)
        {
            return Result<bool>.Conflict($"Segment {id} is used by the rules of segment(s) {string.Join(", ", users)}; change those first.");
        }

        await db.Set<Segment>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<bool>.Ok(true);
    }
}

/// <summary>Takes the members again from the rules now (a static segment's new snapshot; a dynamic one's full rebuild). No events.</summary>
public sealed class SnapshotSegment(RapportDbContext db, SegmentEngine engine)
{
    public async Task<Result<SegmentDetail>> HandleAsync(long id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var definitions = await engine.DefinitionsAsync(ct);
        if (!definitions.ById.TryGetValue(id, out var definition))
        {
            return Result<SegmentDetail>.NotFound($"Segment {id} does not exist.");
        }

        if (definition.Rules is null)
        {
            return Result<SegmentDetail>.Conflict($"The rules of segment {id} no longer validate (a field they use was removed); change them first.");
        }

        await engine.BuildAsync(id, definition.Rules, definitions, ct);
        await transaction.CommitAsync(ct);
        var segment = await db.Set<Segment>().AsNoTracking().SingleAsync(s => s.Id == id, ct);
        return Result<SegmentDetail>.Ok(SegmentContracts.Detail(segment));
    }
}

public sealed record SegmentMembersQuery(long SegmentId, int? Limit, string? After);

public sealed class ListSegmentMembers(RapportDbContext db, Access.CustomerOwnership ownership)
{
    public async Task<Result<Page<MemberRow>>> HandleAsync(SegmentMembersQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        long after = 0;
        if (!Cursor.TryDecode(query.After, out var keys) || (keys.Length > 0 && (keys.Length != 1 || !keys[0].TryGetInt64(out after))))
        {
            errors.Add("after", "Is not a cursor from this list; pass the 'next' value of the previous page unchanged.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<MemberRow>>();
        }

        if (!await db.Set<Segment>().AnyAsync(s => s.Id == query.SegmentId, ct))
        {
            return Result<Page<MemberRow>>.NotFound($"Segment {query.SegmentId} does not exist.");
        }

        var rows = await Rows(db, query.SegmentId, after, limit + 1, ownership.Visible(db.Customers)).ToListAsync(ct);
        return Result<Page<MemberRow>>.Ok(Keyset.ToPage(rows, limit, r => Cursor.Encode(r.Id)));
    }

    /// <summary>Members by customer id (the primary key's order: the first page is an index range).</summary>
    /// <param name="customers">The customers the caller may see (record ownership).</param>
    public static IQueryable<MemberRow> Rows(RapportDbContext db, long segmentId, long after, int take, IQueryable<Customers.Customer> customers) =>
        (from m in db.Set<SegmentMember>().AsNoTracking()
         join c in customers.AsNoTracking() on m.CustomerId equals c.Id
         where m.SegmentId == segmentId && m.CustomerId > after
         orderby m.CustomerId
         select new MemberRow(c.Id, c.FirstName, c.LastName, c.Email, c.City, c.Country)).Take(take);
}

public sealed record SegmentEventsQuery(long SegmentId, int? Limit, string? After);

public sealed class ListSegmentEvents(RapportDbContext db)
{
    /// <summary>Newest first (by id).</summary>
    public async Task<Result<Page<SegmentEventRow>>> HandleAsync(SegmentEventsQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        long before = long.MaxValue;
        if (!Cursor.TryDecode(query.After, out var keys) || (keys.Length > 0 && (keys.Length != 1 || !keys[0].TryGetInt64(out before))))
        {
            errors.Add("after", "Is not a cursor from this list; pass the 'next' value of the previous page unchanged.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<SegmentEventRow>>();
        }

        if (!await db.Set<Segment>().AnyAsync(s => s.Id == query.SegmentId, ct))
        {
            return Result<Page<SegmentEventRow>>.NotFound($"Segment {query.SegmentId} does not exist.");
        }

        var rows = await db.Set<SegmentEvent>().AsNoTracking()
            .Where(e => e.SegmentId == query.SegmentId && e.Id < before)
            .OrderByDescending(e => e.Id).Take(limit + 1)
            .Select(e => new { e.Id, e.CustomerId, e.Kind, e.At }).ToListAsync(ct);
        var page = rows.Select(e => new SegmentEventRow(e.Id, e.CustomerId, e.Kind == SegmentEventKind.Entered ? "entered" : "left", e.At)).ToList();
        return Result<Page<SegmentEventRow>>.Ok(Keyset.ToPage(page, limit, r => Cursor.Encode(r.Id)));
    }
}

internal static class SegmentInput
{
    public static string? Name(string? name, FieldErrors errors, bool required)
    {
        var clean = name?.Trim();
        if (string.IsNullOrEmpty(clean))
        {
            if (required)
            {
                errors.Add("name", "Required.");
            }

            return null;
        }

        if (clean.Length > 200)
        {
            errors.Add("name", "At most 200 characters.");
            return null;
        }

        return clean;
    }

    public static string? Description(string? description, FieldErrors errors)
    {
        var clean = description?.Trim();
        if (clean is { Length: > 2000 })
        {
            errors.Add("description", "At most 2000 characters.");
            return null;
        }

        return string.IsNullOrEmpty(clean) ? null : clean;
    }

    public static SegmentKind? Kind(string? kind, FieldErrors errors)
    {
        switch (kind?.Trim().ToLowerInvariant())
        {
            case null:
                return null;
            case "dynamic":
                return SegmentKind.Dynamic;
            case "static":
                return SegmentKind.Static;
            default:
                errors.Add("kind", "Must be dynamic or static.");
                return null;
        }
    }

    public static async Task<bool> NameTakenAsync(RapportDbContext db, string name, long? except, CancellationToken ct)
    {
        // Few segments: compare in memory, the same on both providers (Unicode case folding).
        var names = await db.Set<Segment>().AsNoTracking().Where(s => s.Id != (except ?? 0)).Select(s => s.Name).ToListAsync(ct);
        return names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
    }
}
