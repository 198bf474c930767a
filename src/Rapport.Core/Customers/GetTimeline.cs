using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;

namespace Rapport.Customers;

public enum TimelineKind
{
    Interaction,
    Transaction,
    /// <summary>An interview or focus group the customer took part in.</summary>
    Session,
}

public sealed record TimelineInteraction(
    InteractionChannel Channel,
    InteractionDirection Direction,
    InteractionType Type,
    string? Subject,
    string? Notes,
    string Source);

/// <summary>A line of a transaction as the timeline shows it.</summary>
public sealed record TimelineLine(string? Sku, string? Description, decimal Quantity, decimal UnitPrice, decimal Amount);

/// <summary><c>Lines</c> holds the first few lines (see <see cref="GetTimeline.LinesShown"/>); <c>LineCount</c> counts them all.</summary>
public sealed record TimelineTransaction(
    string? ExternalId,
    string Currency,
    decimal Total,
    int LineCount,
    string LinesSummary,
    IReadOnlyList<TimelineLine> Lines,
    string Source);

/// <summary>An interview or focus group on a participant's timeline; <c>Id</c> of the item is the session's id.</summary>
public sealed record TimelineSession(Research.Sessions.SessionKind Kind, string Title, string? Summary, int Participants, int Excerpts);

/// <summary>One entry of a customer's timeline; exactly one of <c>Interaction</c>, <c>Transaction</c> and <c>Session</c> is set, by <c>Kind</c>.</summary>
public sealed record TimelineItem(
    TimelineKind Kind,
    long Id,
    DateTimeOffset OccurredAt,
    string Title,
    TimelineInteraction? Interaction,
    TimelineTransaction? Transaction,
    TimelineSession? Session = null);

/// <summary>
/// A customer's interactions, transactions and research sessions (interviews and focus groups they took part in) merged,
/// newest first. Ties on the instant are broken by kind (interactions, transactions, sessions) and then by id, newest
/// first, so paging is stable. Each kind is read by its customer index: the page size plus one from each, then merged.
/// </summary>
public sealed class GetTimeline(RapportDbContext db)
{
    public const int LinesShown = 3;

    public async Task<Result<Page<TimelineItem>>> HandleAsync(long customerId, int? limit, string? after, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(limit, errors, out var take);
        TimelineCursor? cursor = null;
        if (!string.IsNullOrEmpty(after) && !TimelineCursor.TryDecode(after, out cursor))
        {
            errors.Add("after", "Is not a cursor of this timeline (it must be the 'next' value of a page); start again without it.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<TimelineItem>>();
        }

        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<Page<TimelineItem>>.NotFound($"There is no customer {customerId}.");
        }

        var interactions = db.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId);
        var transactions = db.Transactions.AsNoTracking().Where(t => t.CustomerId == customerId);
        var sessions = db.Set<Research.Sessions.ResearchSession>().AsNoTracking()
            .Where(s => db.Set<Research.Sessions.ResearchSessionParticipant>().Any(p => p.SessionId == s.Id && p.CustomerId == customerId));
        if (cursor is { } c)
        {
            // After (at, kind, id): earlier instants, or the same instant and a later kind, or the same kind and a smaller id.
            var at = c.OccurredAt;
            var id = c.Id;
            interactions = c.Kind == TimelineKind.Interaction
                ? interactions.Where(i => i.OccurredAt <= at && (i.OccurredAt < at || i.Id < id))
                : interactions.Where(i => i.OccurredAt < at);
            transactions = c.Kind switch
            {
                TimelineKind.Interaction => transactions.Where(t => t.OccurredAt <= at),
                TimelineKind.Transaction => transactions.Where(t => t.OccurredAt <= at && (t.OccurredAt < at || t.Id < id)),
                _ => transactions.Where(t => t.OccurredAt < at),
            };
            sessions = c.Kind == TimelineKind.Session
                ? sessions.Where(s => s.HeldAt <= at && (s.HeldAt < at || s.Id < id))
                : sessions.Where(s => s.HeldAt <= at);
        }

        var interactionRows = await interactions
            .OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id)
            .Take(take + 1)
            .Select(i => new { i.Id, i.OccurredAt, i.Channel, i.Direction, i.Type, i.Subject, i.Notes, i.Source })
            .ToListAsync(ct);
        var transactionRows = await transactions
            .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
            .Take(take + 1)
            .Select(t => new { t.Id, t.OccurredAt, t.ExternalId, t.Currency, t.Total, t.Source })
            .ToListAsync(ct);

        var sessionRows = await sessions
            .OrderByDescending(s => s.HeldAt).ThenByDescending(s => s.Id)
            .Take(take + 1)
            .Select(s => new
            {
                s.Id,
                s.HeldAt,
                s.Kind,
                s.Title,
                s.Summary,
                Participants = db.Set<Research.Sessions.ResearchSessionParticipant>().Count(p => p.SessionId == s.Id),
                Excerpts = db.Set<Research.Sessions.ResearchExcerpt>().Count(e => e.SessionId == s.Id),
            })
            .ToListAsync(ct);

        var merged = interactionRows.Select(i => (Kind: TimelineKind.Interaction, i.Id, i.OccurredAt))
            .Concat(transactionRows.Select(t => (Kind: TimelineKind.Transaction, t.Id, t.OccurredAt)))
            .Concat(sessionRows.Select(s => (Kind: TimelineKind.Session, s.Id, OccurredAt: s.HeldAt)))
            .OrderByDescending(x => x.OccurredAt).ThenBy(x => x.Kind).ThenByDescending(x => x.Id)
            .Take(take + 1)
            .ToList();
        var page = merged.Take(take).ToList();
        var next = merged.Count > take ? new TimelineCursor(page[^1].OccurredAt, page[^1].Kind, page[^1].Id).Encode() : null;

        var transactionIds = page.Where(p => p.Kind == TimelineKind.Transaction).Select(p => p.Id).ToList();
        var lines = transactionIds.Count == 0
            ? []
            : await db.TransactionLines.AsNoTracking()
                .Where(l => transactionIds.Contains(l.TransactionId))
                .OrderBy(l => l.TransactionId).ThenBy(l => l.LineNumber)
                .Select(l => new
                {
                    l.TransactionId,
                    l.Sku,
                    Description = l.Description ?? db.Products.Where(p => p.Id == l.ProductId).Select(p => p.Name).FirstOrDefault(),
                    l.Quantity,
                    l.UnitPrice,
                    l.Amount,
                })
                .ToListAsync(ct);
        var linesByTransaction = lines.ToLookup(l => l.TransactionId, l => new TimelineLine(l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Amount));

        var interactionById = interactionRows.ToDictionary(i => i.Id);
        var transactionById = transactionRows.ToDictionary(t => t.Id);
        var sessionById = sessionRows.ToDictionary(s => s.Id);
        var items = page.Select(p =>
        {
            if (p.Kind == TimelineKind.Session)
            {
                var s = sessionById[p.Id];
                return new TimelineItem(p.Kind, p.Id, p.OccurredAt, s.Kind == Research.Sessions.SessionKind.FocusGroup ? "Focus group" : "Interview",
                    null, null, new TimelineSession(s.Kind, s.Title, s.Summary, s.Participants, s.Excerpts));
            }

            if (p.Kind == TimelineKind.Interaction)
            {
                var i = interactionById[p.Id];
                return new TimelineItem(p.Kind, p.Id, p.OccurredAt, InteractionTitle(i.Type, i.Direction),
                    new TimelineInteraction(i.Channel, i.Direction, i.Type, i.Subject, i.Notes, i.Source), null);
            }

            var t = transactionById[p.Id];
            var all = linesByTransaction[p.Id].ToList();
            return new TimelineItem(p.Kind, p.Id, p.OccurredAt, TransactionTitle(t.ExternalId, t.Id, all.Count), null,
                new TimelineTransaction(t.ExternalId, t.Currency, t.Total, all.Count, LinesSummary(all), [.. all.Take(LinesShown)], t.Source));
        }).ToList();
        return Result<Page<TimelineItem>>.Ok(new Page<TimelineItem>(items, next));
    }

    /// <summary>"Call (outbound)", "Email (inbound)"; notes and other internal records are just "Note".</summary>
    public static string InteractionTitle(InteractionType type, InteractionDirection direction)
    {
        var name = type switch
        {
            InteractionType.Note => "Note",
            InteractionType.Call => "Call",
            InteractionType.Meeting => "Meeting",
            InteractionType.Email => "Email",
            InteractionType.Message => "Message",
            InteractionType.Visit => "Visit",
            InteractionType.Enquiry => "Enquiry",
            InteractionType.Support => "Support",
            InteractionType.Complaint => "Complaint",
            InteractionType.Feedback => "Feedback",
            _ => "Interaction",
        };
        return direction switch
        {
            InteractionDirection.Inbound => $"{name} (inbound)",
            InteractionDirection.Outbound => $"{name} (outbound)",
            _ => name,
        };
    }

    /// <summary>"Order #A-1001 — 3 items"; without an external id the transaction id is used.</summary>
    public static string TransactionTitle(string? externalId, long id, int lineCount)
    {
        var number = string.IsNullOrEmpty(externalId) ? id.ToString(CultureInfo.InvariantCulture) : externalId;
        return lineCount switch
        {
            0 => $"Order #{number}",
            1 => $"Order #{number} — 1 item",
            _ => $"Order #{number} — {lineCount} items",
        };
    }

    /// <summary>"2 × Espresso beans, 1 × Milk jug and 3 more".</summary>
    public static string LinesSummary(IReadOnlyList<TimelineLine> lines)
    {
        var shown = lines.Take(LinesShown).Select(l => $"{l.Quantity.ToString("0.####", CultureInfo.InvariantCulture)} × {l.Description ?? l.Sku ?? "item"}");
        var text = string.Join(", ", shown);
        return lines.Count > LinesShown ? $"{text} and {lines.Count - LinesShown} more" : text;
    }
}

/// <summary>The position after a timeline item: its instant, kind and id.</summary>
internal sealed record TimelineCursor(DateTimeOffset OccurredAt, TimelineKind Kind, long Id)
{
    public string Encode() => Cursor.Encode(OccurredAt, Kind switch { TimelineKind.Interaction => "i", TimelineKind.Transaction => "t", _ => "s" }, Id);

    public static bool TryDecode(string text, out TimelineCursor? cursor)
    {
        cursor = null;
        if (!Cursor.TryDecode(text, out var keys) || keys.Length != 3 ||
            keys[0].ValueKind != JsonValueKind.String || !keys[0].TryGetDateTimeOffset(out var at) ||
            keys[1].ValueKind != JsonValueKind.String || keys[1].GetString() is not ("i" or "t" or "s") ||
            keys[2].ValueKind != JsonValueKind.Number || !keys[2].TryGetInt64(out var id))
        {
            return false;
        }

        cursor = new TimelineCursor(at, keys[1].GetString() switch { "i" => TimelineKind.Interaction, "t" => TimelineKind.Transaction, _ => TimelineKind.Session }, id);
        return true;
    }
}
