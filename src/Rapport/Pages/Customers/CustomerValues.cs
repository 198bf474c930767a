using Microsoft.AspNetCore.Mvc;
using Rapport.Identity;
using Rapport.Values.Profiles;

namespace Rapport.Pages.Customers;

/// <summary>What the value profile section shows: the profile, all of it (the values page) or its top (the 360 page).</summary>
public sealed record CustomerValuesView(CustomerValues Profile, bool Full, bool CanWrite)
{
    /// <summary>Values and pieces of evidence per value the 360 page shows; the values page shows all.</summary>
    public const int TopValues = 5, TopEvidence = 3;

    public string FirstName => string.IsNullOrWhiteSpace(Profile.FirstName) ? Profile.DisplayName : Profile.FirstName.Trim();

    public IEnumerable<CustomerValueItem> Shown => Full ? Profile.Values : Profile.Values.Take(TopValues);

    public IEnumerable<CustomerValueEvidence> EvidenceOf(CustomerValueItem value) => Full ? value.Evidence : value.Evidence.Take(TopEvidence);

    /// <summary>The bar's width class: the score in twentieths.</summary>
    public static string Bar(double score) => $"score-{(int)Math.Round(Math.Clamp(score, 0, 1) * 20, MidpointRounding.AwayFromZero)}";

    public static string Percent(double? value) => value is { } v ? Math.Round(v * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—";

    public static string Weight(double weight) => weight.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    public static string KindWords(string kind) => kind switch
    {
        "stated" => "said so",
        "coded" => "coded in an interview",
        "mention" => "mentioned it",
        "purchase" => "bought it",
        _ => kind,
    };
}

/// <summary>The "What Ana cares about" section of the customer 360 page.</summary>
public sealed class CustomerValuesViewComponent(GetCustomerValues get) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(long customerId)
    {
        var result = await get.HandleAsync(customerId, HttpContext.RequestAborted);
        if (!result.IsOk)
        {
            return Content("");
        }

        return View("/Pages/Customers/_CustomerValues.cshtml", new CustomerValuesView(result.Value!, false, HttpContext.User.Can(Policies.CustomersEdit)));
    }
}
