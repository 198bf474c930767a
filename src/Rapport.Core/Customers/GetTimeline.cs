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

/// <summary>One entry of a customer's timeline; exactly one of <c>Interaction</c> and <c>Transaction</c> is set, by <c>Kind</c>.</summary>
public sealed record TimelineItem(
    TimelineKind Kind,
    long Id,
    DateTimeOffset OccurredAt,
    string Title,
    TimelineInteraction? Interaction,
    TimelineTransaction? Transaction);

/// <summary>
/// A customer's interactions and transactions merged, newest first. Ties on the instant are broken by kind
/// (interactions before transactions) and then by id, newest first, so paging is stable.
/// Each side is read from its (customer_id, occurred_at, id) index: the page size plus one from each, then merged.
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
        if (cursor is { } c)
        {
            var at = c.OccurredAt;
            var id = c.Id;
            interactions = c.Kind == TimelineKind.Interaction
                ? interactions.Where(i => i.OccurredAt <= at && (i.OccurredAt < at || i.Id < id))
                : interactions.Where(i => i.OccurredAt < at);
            transactions = c.Kind == TimelineKind.Interaction
                ? transactions.Where(t => t.OccurredAt <= at)
                : transactions.Where(t => t.OccurredAt <= at && (t.OccurredAt < at || t.Id < id));
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

        var merged = interactionRows.Select(i => (Kind: TimelineKind.Interaction, i.Id, i.OccurredAt))
            .Concat(transactionRows.Select(t => (Kind: TimelineKind.Transaction, t.Id, t.OccurredAt)))
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
        var items = page.Select(p =>
        {
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
    public string Encode() => Cursor.Encode(OccurredAt, Kind == TimelineKind.Interaction ? "i" : "t", Id);

    public static bool TryDecode(string text, out TimelineCursor? cursor)
    {
        cursor = null;
        if (!Cursor.TryDecode(text, out var keys) || keys.Length != 3 ||
            keys[0].ValueKind != JsonValueKind.String || !keys[0].TryGetDateTimeOffset(out var at) ||
            keys[1].ValueKind != JsonValueKind.String || keys[1].GetString() is not ("i" or "t") ||
            keys[2].ValueKind != JsonValueKind.Number || !keys[2].TryGetInt64(out var id))
        {
            return false;
        }

        cursor = new TimelineCursor(at, keys[1].GetString() == "i" ? TimelineKind.Interaction : TimelineKind.Transaction, id);
        return true;
    }
}
