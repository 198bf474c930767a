using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Research.Evidence;
using Rapport.Research.Sessions;
using Rapport.Surveys;
using Rapport.Values.Profiles;
using Rapport.Webhooks;

namespace Rapport.Duplicates;

/// <summary>
/// Fold <c>MergedId</c> into <c>SurvivorId</c>. <c>Fields</c> chooses, per profile field (API names, custom fields as
/// <c>customFields.&lt;key&gt;</c>), whose value survives; a field not named keeps the survivor's value, or takes the
/// other's when the survivor has none. The versions, when given, must be the current ones (stale → 412).
/// </summary>
public sealed record MergeCustomersRequest(
    long SurvivorId,
    long MergedId,
    IReadOnlyDictionary<string, MergeSide>? Fields,
    int? SurvivorVersion,
    int? MergedVersion,
    string Source,
    long? UserId);

/// <summary>Rows moved or carried over by a merge.</summary>
/// <remarks>
/// Research moves too: survey responses (with their answers and invitations), interview and focus-group participation,
/// excerpts spoken by the merged customer, and value evidence; the survivor's value profile is then computed again.
/// </remarks>
public sealed record MergeCounts(
    int Transactions, int TransactionLines, int Interactions, int Tags, int ExternalIds, int CustomFields, int Candidates,
    int SurveyResponses = 0, int ResearchSessions = 0, int ValueEvidence = 0);

/// <summary>One recorded merge. <c>FieldChoices</c> maps every field whose values differed to the side kept: <c>survivor</c> or <c>merged</c>.</summary>
public sealed record CustomerMergeRow(
    long Id,
    long SurvivingCustomerId,
    long MergedCustomerId,
    string MergedName,
    IReadOnlyDictionary<string, string> FieldChoices,
    MergeCounts Moved,
    string Source,
    long? MergedByUserId,
    string? MergedByName,
    DateTimeOffset MergedAt);

public sealed record MergeResult(CustomerMergeRow Merge, CustomerDetail Customer);

/// <summary>
/// Merges two customers in one database transaction: chosen profile values, tags (union), custom field values (by
/// choice), external ids (all kept), every transaction with its lines and every interaction move to the survivor;
/// open and dismissed candidates of the merged customer are re-pointed to the survivor (the merged pair itself is
/// closed); a <c>customer_merges</c> row records the choices, a snapshot of the merged customer and the counts; the
/// merged customer is deleted, the survivor's metrics refreshed and its version bumped, and <c>customer.merged</c>
/// is queued for webhooks. Either all of it happens or none.
/// </summary>
public sealed class MergeCustomers(
    RapportDbContext db,
    GetCustomer getCustomer,
    CustomerMetricsUpdater metrics,
    WebhookOutbox outbox,
    RecomputeValueProfiles profiles,
    Consent.RecordConsent consent,
    TimeProvider clock,
    ILogger<MergeCustomers> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<MergeResult>> HandleAsync(MergeCustomersRequest request, CancellationToken ct)
    {
        if (request.SurvivorId == request.MergedId)
        {
            return Result<MergeResult>.Invalid("mergeId", "A customer cannot be merged with itself.");
        }

        var definitions = await db.CustomFields.AsNoTracking().OrderBy(f => f.Position).ThenBy(f => f.Key).ToListAsync(ct);
        var errors = new FieldErrors();
        foreach (var key in request.Fields?.Keys ?? [])
        {
            var known = MergeFields.Standard.Any(f => f.Key == key) ||
                (key.StartsWith(MergeFields.CustomPrefix, StringComparison.Ordinal) && definitions.Any(d => MergeFields.CustomPrefix + d.Key == key));
            if (!known)
            {
                errors.Add($"fields.{key}", $"Is not a customer field. Use {string.Join(", ", MergeFields.Standard.Select(f => f.Key))}, or customFields.<key> for a custom field.");
            }
        }

        if (errors.Any)
        {
            return errors.ToResult<MergeResult>();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var survivor = await db.Customers
            .Include(c => c.Tags)
            .Include(c => c.FieldValues)
            .AsSplitQuery()
            .SingleOrDefaultAsync(c => c.Id == request.SurvivorId, ct);
        if (survivor is null)
        {
            return Result<MergeResult>.NotFound($"There is no customer {request.SurvivorId}.");
        }

        var merged = await db.Customers.AsNoTracking()
            .Include(c => c.Tags)
            .Include(c => c.FieldValues)
            .AsSplitQuery()
            .SingleOrDefaultAsync(c => c.Id == request.MergedId, ct);
        if (merged is null)
        {
            var into = await MergedCustomers.SurvivorOfAsync(db, request.MergedId, ct);
            return Result<MergeResult>.Invalid("mergeId", into is null
                ? $"There is no customer {request.MergedId}."
                : $"Customer {request.MergedId} was already merged into customer {into}.");
        }

        if (request.SurvivorVersion is { } sv && sv != survivor.Version)
        {
            return Result<MergeResult>.PreconditionFailed($"Customer {survivor.Id} changed since you read it (now version {survivor.Version}); review the pair again.");
        }

        if (request.MergedVersion is { } mv && mv != merged.Version)
        {
            return Result<MergeResult>.PreconditionFailed($"Customer {merged.Id} changed since you read it (now version {merged.Version}); review the pair again.");
        }

        var clash = await ClashingOrderAsync(survivor.Id, merged.Id, ct);
        if (clash is not null)
        {
            return Result<MergeResult>.Conflict(
                $"Both customers have an order with the id '{clash}'. Delete or correct one of the two orders first: merging would hold the same order twice.");
        }

        var snapshot = await SnapshotAsync(merged.Id, ct);
        var choices = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in MergeFields.Standard)
        {
            var (mine, theirs) = (field.Get(survivor), field.Get(merged));
            if (Equals(mine, theirs))
            {
                continue;
            }

            var side = Choose(request, field.Key, mine is not null, theirs is not null);
            choices[field.Key] = MergeFields.Name(side);
            if (side == MergeSide.Merged)
            {
                field.Set(survivor, theirs);
            }
        }

        if (survivor.FirstName is null && survivor.LastName is null && survivor.Email is null)
        {
            db.ChangeTracker.Clear();
            return Result<MergeResult>.Invalid(new Dictionary<string, string[]>
            {
                ["fields"] = ["Keep at least a first name, a last name or an email: the chosen values leave the customer with none."],
            });
        }

        survivor.EmailNormalized = Validate.NormalizeEmail(survivor.Email);
        survivor.SearchText = CustomerRules.SearchText(survivor.FirstName, survivor.LastName, survivor.Email);

        var tags = 0;
        foreach (var tag in merged.Tags.Where(t => survivor.Tags.All(s => s.Tag != t.Tag)))
        {
            survivor.Tags.Add(new CustomerTag { CustomerId = survivor.Id, Tag = tag.Tag });
            tags++;
        }

        var customFields = 0;
        foreach (var definition in definitions)
        {
            var mine = survivor.FieldValues.FirstOrDefault(v => v.FieldId == definition.Id);
            var theirs = merged.FieldValues.FirstOrDefault(v => v.FieldId == definition.Id);
            if ((mine is null && theirs is null) || (mine is not null && theirs is not null && SameValue(mine, theirs)))
            {
                continue;
            }

            var key = MergeFields.CustomPrefix + definition.Key;
            var side = Choose(request, key, mine is not null, theirs is not null);
            choices[key] = MergeFields.Name(side);
            if (side != MergeSide.Merged)
            {
                continue;
            }

            if (mine is not null)
            {
                survivor.FieldValues.Remove(mine);
            }

            if (theirs is not null)
            {
                survivor.FieldValues.Add(new CustomerFieldValue
                {
                    CustomerId = survivor.Id,
                    FieldId = definition.Id,
                    TextValue = theirs.TextValue,
                    NumberValue = theirs.NumberValue,
                    DateValue = theirs.DateValue,
                    BoolValue = theirs.BoolValue,
                });
                customFields++;
            }
        }

        var moved = await MoveHistoryAsync(survivor.Id, merged.Id, ct);
        var research = await MoveResearchAsync(survivor.Id, merged.Id, ct);
        var candidates = await RepointCandidatesAsync(survivor.Id, merged.Id, request.UserId, ct);

        // Touch the row so that the stamping interceptor bumps Version and UpdatedAt even when only lists changed.
        survivor.UpdatedAt = clock.GetUtcNow();
        db.Entry(survivor).Property(c => c.UpdatedAt).IsModified = true;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<MergeResult>.PreconditionFailed($"Customer {request.SurvivorId} changed while merging; review the pair again.");
        }

        var counts = new MergeCounts(moved.Transactions, moved.Lines, moved.Interactions, tags, moved.ExternalIds, customFields, candidates,
            research.Responses, research.Sessions, research.Evidence);
        var record = new CustomerMerge
        {
            SurvivingCustomerId = survivor.Id,
            MergedCustomerId = merged.Id,
            FieldChoices = JsonSerializer.Serialize(choices, Json),
            MergedSnapshot = snapshot,
            Moved = JsonSerializer.Serialize(counts, Json),
            Source = request.Source,
            MergedByUserId = request.UserId,
            MergedAt = clock.GetUtcNow(),
        };
        db.CustomerMerges.Add(record);
        await db.SaveChangesAsync(ct);
        // After the survivor's version was checked and saved, so that recording consent saves nothing else of it.
        await MoveConsentAsync(survivor.Id, merged.Id, ct);

        var deleted = await db.Customers.Where(c => c.Id == merged.Id && c.Version == merged.Version).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            db.ChangeTracker.Clear();
            return Result<MergeResult>.PreconditionFailed($"Customer {request.MergedId} changed while merging; review the pair again.");
        }

        await metrics.RefreshAsync(survivor.Id, ct);
        if (outbox.Wants(WebhookEvents.CustomerMerged))
        {
            await outbox.EnqueueAsync(db, WebhookEvents.CustomerMerged, [record.Id], ct);
        }

        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        if (research.Evidence > 0 || research.ProfilingSwitchedOff)
        {
            // The survivor's profile now rests on both customers' evidence (or, switched off, on none).
            await profiles.CustomerAsync(survivor.Id, ct);
        }

        logger.LogInformation(
            "Customer {MergedId} merged into {SurvivorId} (merge {MergeId}): {Transactions} transactions, {Interactions} interactions moved",
            merged.Id, survivor.Id, record.Id, counts.Transactions, counts.Interactions);

        var detail = await getCustomer.HandleAsync(survivor.Id, ct);
        var row = (await MergedCustomers.ListAsync(db, m => m.Id == record.Id, ct))[0];
        return Result<MergeResult>.Ok(new MergeResult(row, detail.Value!));
    }

    private static bool SameValue(CustomerFieldValue a, CustomerFieldValue b) =>
        a.TextValue == b.TextValue && a.NumberValue == b.NumberValue && a.DateValue == b.DateValue && a.BoolValue == b.BoolValue;

    private static MergeSide Choose(MergeCustomersRequest request, string key, bool survivorHasValue, bool mergedHasValue) =>
        request.Fields is not null && request.Fields.TryGetValue(key, out var side) ? side : MergeFields.Default(survivorHasValue, mergedHasValue);

    /// <summary>An order id both customers hold: moving would break the one-order-id-per-customer rule, so the merge stops.</summary>
    private async Task<string?> ClashingOrderAsync(long survivorId, long mergedId, CancellationToken ct) =>
        await db.Transactions.AsNoTracking()
            .Where(t => t.CustomerId == mergedId && t.ExternalId != null &&
                        db.Transactions.Any(s => s.CustomerId == survivorId && s.ExternalId == t.ExternalId))
            .Select(t => t.ExternalId)
            .FirstOrDefaultAsync(ct);

    /// <summary>The merged customer as the API showed it, kept in the merge record (within the column's size).</summary>
    private async Task<string> SnapshotAsync(long mergedId, CancellationToken ct)
    {
        var detail = (await getCustomer.HandleAsync(mergedId, ct)).Value!;
        var json = JsonSerializer.Serialize(detail, Json);
        if (json.Length <= SnapshotLimit)
        {
            return json;
        }

        // Very long custom text values: keep the profile, drop the custom fields rather than cut the JSON.
        return JsonSerializer.Serialize(detail with { CustomFields = new Dictionary<string, CustomFieldValueDetail>() }, Json);
    }

    private const int SnapshotLimit = 20_000;

    /// <summary>
    /// The merged customer's consent ledger is evidence and must not cascade away with their row: each of its events is
    /// recorded again on the survivor with its own time, source, reference, notice version, IP address and user agent, in
    /// the order they happened. The survivor's state is then the latest choice either record holds (the ledger's rule),
    /// and profiling follows it. The merged customer's own rows go with the row (the ledger allows that once the
    /// customer is gone).
    /// </summary>
    private async Task MoveConsentAsync(long survivorId, long mergedId, CancellationToken ct)
    {
        var events = await db.Set<Consent.ConsentEvent>().AsNoTracking().Where(e => e.CustomerId == mergedId)
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(ct);
        foreach (var e in events)
        {
            var context = new Consent.ConsentContext(e.Source, $"Merge of customer {mergedId}", e.RecordedByUserId, e.RecordedByApiKeyId,
                e.SourceReference, e.IpAddress, e.UserAgent);
            var recorded = await consent.RecordAsync(survivorId,
                [new Consent.ConsentInput(e.Channel, e.Purpose, e.Status, e.LegalBasis, e.NoticeVersion, e.OccurredAt, e.Source, e.SourceReference)],
                context, skipUnchanged: false, ct);
            if (!recorded.IsOk)
            {
                throw new InvalidOperationException($"Moving consent event {e.Id} to customer {survivorId} failed: {recorded.Message}");
            }
        }
    }

    /// <summary>
    /// Survey responses, answers and invitations, session participation, spoken excerpts and value evidence move to the
    /// survivor (before the merged row is deleted, whose foreign keys would otherwise cascade them away). An invitation
    /// to a survey the survivor was also invited to is dropped (one invitation per customer and survey); its response, if
    /// any, still moves, so the survivor may hold two responses to that survey. A session both took part in keeps one
    /// participation. When the merged customer had switched profiling off, the survivor's profiling is switched off.
    /// </summary>
    private async Task<(int Responses, int Sessions, int Evidence, bool ProfilingSwitchedOff)> MoveResearchAsync(long survivorId, long mergedId, CancellationToken ct)
    {
        await db.Set<SurveyInvitation>()
            .Where(i => i.CustomerId == mergedId && db.Set<SurveyInvitation>().Any(o => o.CustomerId == survivorId && o.SurveyId == i.SurveyId))
            .ExecuteDeleteAsync(ct);
        await db.Set<SurveyInvitation>().Where(i => i.CustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.CustomerId, survivorId), ct);
        var responses = await db.Set<SurveyResponse>().Where(r => r.CustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CustomerId, survivorId), ct);
        await db.Set<SurveyAnswer>().Where(a => a.CustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.CustomerId, survivorId), ct);

        var sessions = await db.Set<ResearchSessionParticipant>().CountAsync(p => p.CustomerId == mergedId, ct);
        // The participant's key includes the customer: insert the survivor's rows rather than update the key. Plain SQL,
        // because the survivor's tracked changes must only be saved where the merge checks their version.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO research_session_participants (session_id, customer_id)
            SELECT p.session_id, {survivorId} FROM research_session_participants p
            WHERE p.customer_id = {mergedId}
              AND NOT EXISTS (SELECT 1 FROM research_session_participants o WHERE o.customer_id = {survivorId} AND o.session_id = p.session_id)
            """, ct);
        await db.Set<ResearchSessionParticipant>().Where(p => p.CustomerId == mergedId).ExecuteDeleteAsync(ct);
        await db.Set<ResearchExcerpt>().Where(e => e.SpeakerCustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.SpeakerCustomerId, survivorId), ct);

        var evidence = await db.Set<ValueEvidence>().Where(e => e.CustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.CustomerId, survivorId), ct);

        var switchedOff = false;
        if (await db.Set<CustomerValueProfile>().AnyAsync(p => p.CustomerId == mergedId && !p.ProfilingEnabled, ct))
        {
            var now = clock.GetUtcNow();
            var by = $"Merge of customer {mergedId} (profiling was off there)";
            var changed = await db.Set<CustomerValueProfile>().Where(p => p.CustomerId == survivorId && p.ProfilingEnabled)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(p => p.ProfilingEnabled, false)
                    .SetProperty(p => p.ProfilingChangedAt, now)
                    .SetProperty(p => p.ProfilingChangedBy, by)
                    .SetProperty(p => p.Alignment, (double?)null)
                    .SetProperty(p => p.ComputedAt, (DateTimeOffset?)null), ct);
            if (changed == 0 && !await db.Set<CustomerValueProfile>().AnyAsync(p => p.CustomerId == survivorId, ct))
            {
                // Saved with the survivor's row, where the merge saves it.
                db.Set<CustomerValueProfile>().Add(new CustomerValueProfile
                {
                    CustomerId = survivorId, ProfilingEnabled = false, ProfilingChangedAt = now, ProfilingChangedBy = by,
                });
                changed = 1;
            }

            if (changed > 0)
            {
                await db.Set<CustomerValueScore>().Where(s => s.CustomerId == survivorId).ExecuteDeleteAsync(ct);
                switchedOff = true;
            }
        }

        return (responses, sessions, evidence, switchedOff);
    }

    private async Task<(int Transactions, int Lines, int Interactions, int ExternalIds)> MoveHistoryAsync(long survivorId, long mergedId, CancellationToken ct)
    {
        // Lines first, found through their orders (lines have no index by customer), while the orders still name the merged customer.
        var lines = await db.TransactionLines
            .Where(l => db.Transactions.Any(t => t.Id == l.TransactionId && t.CustomerId == mergedId))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.CustomerId, survivorId), ct);
        var transactions = await db.Transactions.Where(t => t.CustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.CustomerId, survivorId), ct);
        var interactions = await db.Interactions.Where(i => i.CustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.CustomerId, survivorId), ct);
        var externalIds = await db.CustomerExternalIds.Where(x => x.CustomerId == mergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CustomerId, survivorId), ct);
        return (transactions, lines, interactions, externalIds);
    }

    /// <summary>
    /// The merged customer's other candidate pairs now concern the survivor: each is re-pointed, unless the survivor
    /// already has that pair, in which case a dismissal on either wins and the duplicate row goes. The merged pair
    /// itself is removed (the merge record keeps the history). Returns how many pairs were re-pointed.
    /// </summary>
    private async Task<int> RepointCandidatesAsync(long survivorId, long mergedId, long? userId, CancellationToken ct)
    {
        var involved = await db.DuplicateCandidates
            .Where(c => c.CustomerIdA == mergedId || c.CustomerIdB == mergedId || c.CustomerIdA == survivorId || c.CustomerIdB == survivorId)
            .ToListAsync(ct);
        var survivors = involved.Where(c => c.CustomerIdA != mergedId && c.CustomerIdB != mergedId)
            .ToDictionary(c => c.CustomerIdA == survivorId ? c.CustomerIdB : c.CustomerIdA);
        var repointed = 0;
        foreach (var candidate in involved.Where(c => c.CustomerIdA == mergedId || c.CustomerIdB == mergedId))
        {
            var other = candidate.CustomerIdA == mergedId ? candidate.CustomerIdB : candidate.CustomerIdA;
            if (other == survivorId)
            {
                db.DuplicateCandidates.Remove(candidate);
                continue;
            }

            if (survivors.TryGetValue(other, out var existing))
            {
                if (candidate.Status == DuplicateStatus.Dismissed && existing.Status == DuplicateStatus.Open)
                {
                    existing.Status = DuplicateStatus.Dismissed;
                    existing.ResolvedAt = candidate.ResolvedAt;
                    existing.ResolvedByUserId = candidate.ResolvedByUserId ?? userId;
                }

                db.DuplicateCandidates.Remove(candidate);
                continue;
            }

            (candidate.CustomerIdA, candidate.CustomerIdB) = survivorId < other ? (survivorId, other) : (other, survivorId);
            survivors[other] = candidate;
            repointed++;
        }

        return repointed;
    }
}
