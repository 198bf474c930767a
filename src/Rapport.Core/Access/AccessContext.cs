using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Access;

/// <summary>
/// Who is asking, for the use cases: filled per web request by the access middleware; left empty (everything allowed)
/// for the CLI and background work, which run as the operator.
/// </summary>
public sealed class AccessContext
{
    /// <summary>The caller's permissions now; null when nobody is asking (CLI, jobs): everything.</summary>
    public FrozenSet<string>? Permissions { get; set; }
    /// <summary>The user the caller acts for (an API key acts for the user who created it).</summary>
    public long? UserId { get; set; }
    /// <summary>Record ownership is on and limits the caller's role to its own and its team's customers.</summary>
    public bool Restricted { get; set; }

    public bool Can(string permission) => Permissions is null || Permissions.Contains(permission);

    /// <summary>Birth date and custom fields marked sensitive are shown only with <c>customers.view-sensitive</c>.</summary>
    public bool CanViewSensitive => Can(Access.Permissions.CustomersViewSensitive);
}

/// <summary>
/// The one check of record ownership, used by every read and write of a customer and of what hangs off one (timeline,
/// transactions, consent, exports, segment members). A restricted caller sees customers owned by them or by a member of
/// their team; anyone else's customer does not exist for them (404, never 403).
/// </summary>
public sealed class CustomerOwnership(RapportDbContext db, AccessContext access)
{
    public bool Restricted => access.Restricted;

    /// <summary>Whether the caller sees sensitive fields (exports read it here with the ownership filter).</summary>
    public bool CanViewSensitive => access.CanViewSensitive;

    /// <summary>The customers the caller may see.</summary>
    public IQueryable<Customer> Visible(IQueryable<Customer> customers)
    {
        if (!access.Restricted)
        {
            return customers;
        }

        if (access.UserId is not { } me)
        {
            // A restricted key that acts for nobody (created by the CLI) owns nothing.
            return customers.Where(c => false);
        }

        var team = db.Users.Where(u => u.Id == me).Select(u => u.TeamId);
        return customers.Where(c => c.OwnerId == me ||
            (c.OwnerId != null && db.Users.Any(u => u.Id == c.OwnerId && u.TeamId != null && team.Contains(u.TeamId))));
    }

    /// <summary>Ids of the customers the caller may see, as a subquery for tables that hang off a customer.</summary>
    public IQueryable<long> VisibleIds() => Visible(db.Customers).Select(c => c.Id);

    public async Task<bool> CanSeeAsync(long customerId, CancellationToken ct) =>
        !access.Restricted || await Visible(db.Customers).AnyAsync(c => c.Id == customerId, ct);
}
