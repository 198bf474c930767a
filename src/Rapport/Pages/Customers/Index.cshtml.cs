using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Rapport.Api;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Customers.Views;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport.Pages.Customers;

/// <summary>
/// The customer list: live search, filters (tag, stage, owner, company, segment, RFM segment), eight orders, a column
/// chooser, keyset paging (Next / First), and saved views (docs/customer-views.md): shared and the user's own, picked
/// from a list; "Save as view", "Update view", "Delete view".
/// </summary>
public sealed class IndexModel(SearchCustomers search, Rapport.Values.Profiles.GetAlignments alignments, CustomerViews views,
    RapportDbContext db, TimeProvider clock, IConfiguration configuration) : PageModel
{
    public const int PageSize = 25;

    /// <summary>The orders the list offers, by the value in <c>?sort=</c>, mapped to the use case's sort names.</summary>
    public static readonly IReadOnlyList<(string Value, string Label, string Sort)> Orders =
    [
        ("name", "Name", "name"),
        ("name-desc", "Name, Z to A", "-name"),
        ("newest", "Newest first", "-createdAt"),
        ("oldest", "Oldest first", "createdAt"),
        ("revenue", "Highest revenue", "-revenue"),
        ("lowest-revenue", "Lowest revenue", "revenue"),
        ("last-purchase", "Most recent purchase", "-lastPurchase"),
        ("least-recent-purchase", "Least recent purchase", "lastPurchase"),
    ];

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tag { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Owner { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Company { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Segment { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Rfm { get; set; }

    /// <summary>The chosen columns (repeated <c>col</c>); none = the default set.</summary>
    [BindProperty(SupportsGet = true, Name = "col")]
    public List<string> Col { get; set; } = [];

    /// <summary>The saved view the list came from (kept in the address so that it can be updated).</summary>
    [BindProperty(SupportsGet = true)]
    public long? View { get; set; }

    public Page<CustomerRow> Results { get; private set; } = new([], null);
    /// <summary>The stored value alignment (0..1) of the customers shown, by id; customers without one are missing.</summary>
    public IReadOnlyDictionary<long, double> Alignments { get; private set; } = new Dictionary<long, double>();
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public DateTimeOffset Now { get; private set; }
    public string Currency => Metrics.CustomerMetricsUpdater.ReportingCurrencyOf(configuration);
    public IReadOnlyList<string> Columns { get; private set; } = CustomerViewRules.DefaultColumns;
    public IReadOnlyList<CustomerViewDetail> Views { get; private set; } = [];
    public CustomerViewDetail? CurrentView => Views.FirstOrDefault(v => v.Id == View);
    public IReadOnlyList<(long Id, string Name)> Owners { get; private set; } = [];
    public IReadOnlyList<(long Id, string Name)> Segments { get; private set; } = [];
    public string? CompanyName { get; private set; }

    public string SortValue => Orders.Any(o => o.Value == Sort) ? Sort! : "name";

    public bool Shows(string column) => Columns.Contains(column);

    private ViewCaller Caller => CustomerViewEndpoints.CallerOf(User);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var errors = new FieldErrors();
        Columns = CustomerViewRules.ReadColumns(Col, "col", errors);
        if (errors.Any)
        {
            Columns = CustomerViewRules.DefaultColumns;
        }

        var sort = Orders.First(o => o.Value == SortValue).Sort;
        var result = await search.HandleAsync(new SearchCustomersRequest(Q, Tag, Company, Owner, sort, PageSize, After, Stage, Segment, Rfm), ct);
        if (result.IsOk && !errors.Any)
        {
            Results = result.Value!;
            Alignments = Shows("alignment") ? await alignments.HandleAsync(Results.Items.Select(c => c.Id).ToList(), ct) : new Dictionary<long, double>();
        }
        else
        {
            Errors = result.IsOk ? errors.ToDictionary() : result.Errors;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        // Live search swaps only the results; a normal request renders the whole page.
        if (Request.Headers["HX-Target"] == "customer-results")
        {
            return Partial("_CustomerResults", this);
        }

        Views = await views.ListAsync(Caller, ct);
        Owners = (await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName }).Take(500).ToListAsync(ct))
            .Select(u => (u.Id, u.DisplayName)).ToList();
        Segments = (await db.Set<Rapport.Segments.Segment>().AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).Take(500).ToListAsync(ct))
            .Select(s => (s.Id, s.Name)).ToList();
        CompanyName = Company is { } companyId ? await db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => c.Name).SingleOrDefaultAsync(ct) : null;
        return Page();
    }

    /// <summary>Opens a saved view: the list with its search, filters, order and columns.</summary>
    public async Task<IActionResult> OnGetOpenAsync(long id, CancellationToken ct)
    {
        var result = await views.GetAsync(id, Caller, ct);
        if (!result.IsOk)
        {
            TempData["FlashError"] = "That view does not exist (or is someone else's personal view).";
            return Redirect("/customers");
        }

        return Redirect(FromDefinition(result.Value!.Definition, id));
    }

    public async Task<IActionResult> OnPostSaveViewAsync(string? name, bool shared, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit) || (shared && !User.Can(Policies.SegmentsEdit)))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await views.CreateAsync(new CustomerViewRequest(name, shared, Definition()), Caller, ct);
        if (!result.IsOk)
        {
            TempData["FlashError"] = "The view was not saved: " + Messages(result.Errors, result.Message);
            return Redirect(Build(Q, Tag, null, View));
        }

        TempData["Flash"] = $"Saved the view \"{result.Value!.Name}\".";
        return Redirect(FromDefinition(result.Value.Definition, result.Value.Id));
    }

    public async Task<IActionResult> OnPostUpdateViewAsync(long id, bool shared, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var caller = Caller;
        var view = await views.FindVisibleAsync(id, caller, ct);
        if (view is null)
        {
            return NotFound();
        }

        if (!CustomerViews.CanEdit(view, caller) || (shared && !caller.CanShare))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await views.UpdateAsync(id, new CustomerViewRequest(view.Name, shared, Definition()), null, caller, ct);
        if (!result.IsOk)
        {
            TempData["FlashError"] = "The view was not updated: " + Messages(result.Errors, result.Message);
            return Redirect(Build(Q, Tag, null, id));
        }

        TempData["Flash"] = $"Updated the view \"{result.Value!.Name}\".";
        return Redirect(FromDefinition(result.Value.Definition, id));
    }

    public async Task<IActionResult> OnPostDeleteViewAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersDelete))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var caller = Caller;
        var view = await views.FindVisibleAsync(id, caller, ct);
        if (view is null)
        {
            return NotFound();
        }

        if (!CustomerViews.CanEdit(view, caller))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        await views.DeleteAsync(id, null, caller, ct);
        TempData["Flash"] = $"Deleted the view \"{view.Name}\".";
        return Redirect("/customers");
    }

    /// <summary>The list's current state as a view definition (the order as the API names it).</summary>
    public CustomerViewDefinition Definition() => new(Q, Tag, Company, Owner, Stage, Segment, Rfm,
        Orders.First(o => o.Value == SortValue).Sort, Col.Count == 0 ? null : Col);

    /// <summary>The list's address for a view definition.</summary>
    public static string FromDefinition(CustomerViewDefinition d, long? view)
    {
        var order = Orders.FirstOrDefault(o => o.Sort == (d.Sort ?? "name")).Value ?? "name";
        var pairs = new List<KeyValuePair<string, string?>>
        {
            new("q", d.Q), new("tag", d.Tag), new("stage", d.Stage), new("owner", Id(d.OwnerId)), new("company", Id(d.CompanyId)),
            new("segment", Id(d.SegmentId)), new("rfm", d.RfmSegment), new("sort", order == "name" ? null : order),
        };
        if (d.Columns is { } columns && !columns.SequenceEqual(CustomerViewRules.DefaultColumns))
        {
            pairs.AddRange(columns.Select(c => new KeyValuePair<string, string?>("col", c)));
        }

        pairs.Add(new("view", Id(view)));
        return "/customers" + QueryString.Create(pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value))).ToUriComponent();
    }

    /// <summary>The list's address with the current search, filters, order and columns, and the given cursor.</summary>
    public string Link(string? after) => Build(Q, Tag, after, View);

    public string TagLink(string tag) => Build(null, tag, null, null);

    public string WithoutTag() => Build(Q, null, null, View);

    /// <summary>The Export link: the same filters and order.</summary>
    public string ExportLink() => "/exports" + QueryString.Create(new Dictionary<string, string?>
    {
        ["kind"] = "customers", ["q"] = Q, ["tag"] = Tag, ["sort"] = SortValue, ["stage"] = Stage, ["segment"] = Id(Segment),
        ["rfm"] = Rfm, ["owner"] = Id(Owner), ["company"] = Id(Company),
    }.Where(p => !string.IsNullOrWhiteSpace(p.Value))).ToUriComponent();

    /// <summary>Hidden fields that carry the list's state into a form (save or update a view).</summary>
    public IEnumerable<(string Name, string Value)> StateFields()
    {
        var pairs = new List<(string, string?)> { ("q", Q), ("tag", Tag), ("stage", Stage), ("owner", Id(Owner)), ("company", Id(Company)), ("segment", Id(Segment)), ("rfm", Rfm), ("sort", Sort) };
        pairs.AddRange(Col.Select(c => ("col", (string?)c)));
        return pairs.Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => (p.Item1, p.Item2!));
    }

    private string Build(string? q, string? tag, string? after, long? view)
    {
        var pairs = new List<KeyValuePair<string, string?>>
        {
            new("q", string.IsNullOrWhiteSpace(q) ? null : q),
            new("tag", string.IsNullOrWhiteSpace(tag) ? null : tag),
            new("stage", Stage), new("owner", Id(Owner)), new("company", Id(Company)), new("segment", Id(Segment)), new("rfm", Rfm),
            new("sort", SortValue == "name" ? null : SortValue),
        };
        pairs.AddRange(Col.Select(c => new KeyValuePair<string, string?>("col", c)));
        pairs.Add(new("view", Id(view)));
        pairs.Add(new("after", after));
        return "/customers" + QueryString.Create(pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value))).ToUriComponent();
    }

    private static string? Id(long? id) => id?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Messages(IReadOnlyDictionary<string, string[]> errors, string? message) =>
        errors.Count > 0 ? string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) : message ?? "refused.";
}
