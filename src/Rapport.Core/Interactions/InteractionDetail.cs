using System.Linq.Expressions;
using Rapport.Data;

namespace Rapport.Interactions;

/// <summary>
/// An interaction as the API, the pages and the CLI show it. <c>OccurredAt</c> is when it happened (UTC);
/// <c>CreatedAt</c> when it was recorded. <c>CreatedByName</c> is the staff member who logged it from the UI, if any.
/// </summary>
public sealed record InteractionDetail(
    long Id,
    long CustomerId,
    InteractionChannel Channel,
    InteractionDirection Direction,
    InteractionType Type,
    string? Subject,
    string? Notes,
    DateTimeOffset OccurredAt,
    string Source,
    long? CreatedByUserId,
    string? CreatedByName,
    DateTimeOffset CreatedAt)
{
    /// <summary>The projection every interaction query uses, translated to SQL (the user's name is a subquery).</summary>
    internal static Expression<Func<Interaction, InteractionDetail>> Projection(RapportDbContext db) => i => new InteractionDetail(
        i.Id,
        i.CustomerId,
        i.Channel,
        i.Direction,
        i.Type,
        i.Subject,
        i.Notes,
        i.OccurredAt,
        i.Source,
        i.CreatedByUserId,
        db.Users.Where(u => u.Id == i.CreatedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
        i.CreatedAt);
}
