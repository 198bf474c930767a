using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Customers;

namespace Rapport.Pages.Customers;

/// <summary>The customer list: live search, tag filter, four orders, keyset paging (Next / First).</summary>
public sealed class IndexModel(SearchCustomers search, Rapport.Values.Profiles.GetAlignments alignments, TimeProvider clock, IConfiguration configuration) : PageModel
{
    public const int PageSize = 25;

    /// <summary>The orders the list offers, by the value in <c>?sort=</c>, mapped to the use case's sort names.</summary>
    public static readonly IReadOnlyList<(string Value, string Label, string Sort)> Orders =
    [
        ("name", "Name", "name"),
        ("newest", "Newest first", "-createdAt"),
        ("revenue", "Highest revenue", "-revenue"),
        ("last-purchase", "Most recent purchase", "-lastPurchase"),
    ];

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tag { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public Page<CustomerRow> Results { get; private set; } = new([], null);
    /// <summary>The stored value alignment (0..1) of the customers shown, by id; customers without one are missing.</summary>
    public IReadOnlyDictionary<long, double> Alignments { get; private set; } = new Dictionary<long, double>();
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public DateTimeOffset Now { get; private set; }
    public string Currency => Metrics.CustomerMetricsUpdater.ReportingCurrencyOf(configuration);

    public string SortValue => Orders.Any(o => o.Value == Sort) ? Sort! : "name";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var sort = Orders.First(o => o.Value == SortValue).Sort;
        var result = await search.HandleAsync(new SearchCustomersRequest(Q, Tag, Sort: sort, Limit: PageSize, After: After), ct);
        if (result.IsOk)
        {
            Results = result.Value!;
            Alignments = await alignments.HandleAsync(Results.Items.Select(c => c.Id).ToList(), ct);
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        // Live search swaps only the results; a normal request renders the whole page.
        return Request.Headers["HX-Target"] == "customer-results" ? Partial("_CustomerResults", this) : Page();
    }

    /// <summary>The list's address with the current search, tag and order, and the given cursor.</summary>
    public string Link(string? after) => Build(Q, Tag, after);

    public string TagLink(string tag) => Build(null, tag, null);

    public string WithoutTag() => Build(Q, null, null);

    private string Build(string? q, string? tag, string? after)
    {
        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["q"] = string.IsNullOrWhiteSpace(q) ? null : q,
            ["tag"] = string.IsNullOrWhiteSpace(tag) ? null : tag,
            ["sort"] = SortValue == "name" ? null : SortValue,
            ["after"] = after,
        }.Where(p => p.Value is not null));
        return "/customers" + query.ToUriComponent();
    }
}
