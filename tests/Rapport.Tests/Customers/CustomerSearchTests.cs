using Rapport.Common;
// CA1861: request bodies spell out their JSON arrays inline so each test reads as the request it sends; they run once.
#pragma warning disable CA1861
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Tests.Infrastructure;
using static Rapport.Tests.Customers.CustomerTestApi;

namespace Rapport.Tests.Customers;

public sealed class CustomerSearchTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    private static List<long> Ids(IEnumerable<JsonElement> items) => [.. items.Select(i => i.GetProperty("id").GetInt64())];

    [Fact]
    public async Task Search_ignores_case_and_accents_and_matches_every_word()
    {
        var jose = await CreateIdAsync(_sales, new { firstName = "José", lastName = "Quiñónez", email = "jq@example.org" });
        var other = await CreateIdAsync(_sales, new { firstName = "Josefa", lastName = "Quintana" });

        Ids(await ListAsync(_sales, "q=jose")).Should().Contain([jose, other]);
        Ids(await ListAsync(_sales, "q=QUINONEZ")).Should().Equal(jose);
        Ids(await ListAsync(_sales, "q=" + Uri.EscapeDataString("quiñónez"))).Should().Equal(jose);
        Ids(await ListAsync(_sales, "q=" + Uri.EscapeDataString("quinonez josé"))).Should().Equal(jose);
        Ids(await ListAsync(_sales, "q=" + Uri.EscapeDataString("jose quint"))).Should().Equal(other);
    }

    [Fact]
    public async Task Search_finds_a_whole_email_exactly_and_a_fragment_by_substring()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Mail", lastName = "Person", email = "Mail.Person@Example.net" });
        await CreateIdAsync(_sales, new { firstName = "Other", email = "not.mail.person@example.net" });

        Ids(await ListAsync(_sales, "q=" + Uri.EscapeDataString("MAIL.PERSON@example.NET"))).Should().Equal(id);
        (await ListAsync(_sales, "q=" + Uri.EscapeDataString("mail.person@exa"))).Should().HaveCount(2);
    }

    [Fact]
    public async Task Tag_company_and_owner_filters_narrow_the_list()
    {
        var (companyId, ownerId) = await app.WithDbAsync(async db =>
        {
            var company = new Rapport.Companies.Company { Name = "Filter Co", NameNormalized = "filter co" };
            var user = new User { Email = "filter-owner@example.com", EmailNormalized = "filter-owner@example.com", DisplayName = "Filter Owner", PasswordHash = "x", Role = Role.Sales, SecurityStamp = "s" };
            db.Companies.Add(company);
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return (company.Id, user.Id);
        });
        var tagged = await CreateIdAsync(_sales, new { firstName = "Tagged", tags = new[] { "Filter-Gold" } });
        var atCompany = await CreateIdAsync(_sales, new { firstName = "Employee", companyId });
        var owned = await CreateIdAsync(_sales, new { firstName = "Owned", ownerId, tags = new[] { "filter-gold" } });

        Ids(await ListAsync(_sales, "tag=FILTER-GOLD")).Should().BeEquivalentTo([tagged, owned]);
        Ids(await ListAsync(_sales, $"companyId={companyId}")).Should().Equal(atCompany);
        Ids(await ListAsync(_sales, $"ownerId={ownerId}")).Should().Equal(owned);
        Ids(await ListAsync(_sales, $"ownerId={ownerId}&tag=filter-gold&q=owned")).Should().Equal(owned);
        var row = (await ListAsync(_sales, $"companyId={companyId}")).Single();
        row.GetProperty("companyName").GetString().Should().Be("Filter Co");
        row.GetProperty("displayName").GetString().Should().Be("Employee");
    }

    [Fact]
    public async Task Name_order_puts_full_names_first_then_single_names_then_emails_and_pages_through_ties()
    {
        const string tag = "name-order";
        var adamsAda = await CreateIdAsync(_sales, new { firstName = "Ada", lastName = "Adams", tags = new[] { tag } });
        var bakerAda1 = await CreateIdAsync(_sales, new { firstName = "Ada", lastName = "Baker", tags = new[] { tag } });
        var bakerZed = await CreateIdAsync(_sales, new { firstName = "Zed", lastName = "Baker", tags = new[] { tag } });
        var bakerAda2 = await CreateIdAsync(_sales, new { firstName = "Ada", lastName = "Baker", tags = new[] { tag } });
        var adamsBob = await CreateIdAsync(_sales, new { firstName = "Bob", lastName = "Adams", tags = new[] { tag } });
        var carter = await CreateIdAsync(_sales, new { lastName = "Carter", tags = new[] { tag } });
        var adams = await CreateIdAsync(_sales, new { lastName = "Adams", tags = new[] { tag } });
        var cleo = await CreateIdAsync(_sales, new { firstName = "Cleo", tags = new[] { tag } });
        var abe = await CreateIdAsync(_sales, new { firstName = "Abe", tags = new[] { tag } });
        var emailB = await CreateIdAsync(_sales, new { email = "b@example.com", tags = new[] { tag } });
        var emailA = await CreateIdAsync(_sales, new { email = "a@example.com", tags = new[] { tag } });
        var nameless = await InsertNamelessAsync(tag);

        long[] expected = [adamsAda, adamsBob, bakerAda1, bakerAda2, bakerZed, adams, carter, abe, cleo, emailA, emailB, nameless];
        foreach (var limit in new[] { 1, 2, 3, 5, 50 })
        {
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&limit={limit}")).Items).Should().Equal(expected, "default order is name, limit {0}", limit);
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=name&limit={limit}")).Items).Should().Equal(expected);
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=-name&limit={limit}")).Items).Should().Equal(expected.Reverse());
        }
    }

    [Fact]
    public async Task Created_at_order_breaks_ties_by_id_in_both_directions()
    {
        const string tag = "created-order";
        var created = new List<(long Id, DateTimeOffset At)>();
        foreach (var step in new[] { 0, 0, 5, 5, 5, 1, 0 })
        {
            app.Clock.Advance(TimeSpan.FromSeconds(step));
            created.Add((await CreateIdAsync(_sales, new { firstName = $"Created{created.Count}", tags = new[] { tag } }), app.Clock.GetUtcNow()));
        }

        var expected = created.OrderBy(c => c.At).ThenBy(c => c.Id).Select(c => c.Id).ToList();
        foreach (var limit in new[] { 1, 2, 4 })
        {
            var (asc, pages) = await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=createdAt&limit={limit}");
            Ids(asc).Should().Equal(expected);
            pages.Should().Be((expected.Count + limit - 1) / limit);
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=-createdAt&limit={limit}")).Items).Should().Equal(Enumerable.Reverse(expected));
        }
    }

    [Fact]
    public async Task Revenue_and_last_purchase_orders_page_through_ties_and_customers_without_purchases()
    {
        const string tag = "money-order";
        var day = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var customers = new List<(long Id, decimal Revenue, DateTimeOffset? Last)>();
        (decimal Total, int Day)[][] histories =
        [
            [], [(25.5m, 1)], [(100m, 3)], [], [(25.5m, 3)], [(10m, 1), (15.5m, 2)], [], [(0m, 2)], [(100m, 1)],
        ];
        foreach (var history in histories)
        {
            var id = await CreateIdAsync(_sales, new { firstName = $"Buyer{customers.Count}", tags = new[] { tag } });
            foreach (var (total, d) in history)
            {
                await AddTransactionAsync(app, id, day.AddDays(d), total);
            }

            customers.Add((id, history.Sum(h => h.Total), history.Length == 0 ? null : day.AddDays(history.Max(h => h.Day))));
        }

        var byRevenue = customers.OrderBy(c => c.Revenue).ThenBy(c => c.Id).Select(c => c.Id).ToList();
        var byLastPurchase = customers.Where(c => c.Last is not null).OrderBy(c => c.Last).ThenBy(c => c.Id)
            .Concat(customers.Where(c => c.Last is null).OrderBy(c => c.Id)).Select(c => c.Id).ToList();
        foreach (var limit in new[] { 1, 2, 4 })
        {
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=revenue&limit={limit}")).Items).Should().Equal(byRevenue);
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=-revenue&limit={limit}")).Items).Should().Equal(Enumerable.Reverse(byRevenue));
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=lastPurchase&limit={limit}")).Items).Should().Equal(byLastPurchase);
            Ids((await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort=-lastPurchase&limit={limit}")).Items).Should().Equal(Enumerable.Reverse(byLastPurchase));
        }

        var row = (await ListAsync(_sales, $"tag={tag}&sort=-revenue&limit=1")).Single();
        row.GetProperty("revenue").GetDecimal().Should().Be(100m);
        row.GetProperty("purchaseCount").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task Revenue_paging_neither_skips_nor_repeats_sums_that_are_inexact_in_floating_point()
    {
        const string tag = "inexact-sums";
        var expected = new List<long>();
        decimal[][] histories = [[0.1m, 0.2m], [0.3m], [0.1m, 0.2m], [0.7m, 0.1m, 0.1m], [0.9m], [0.3m], [0.1m, 0.2m]];
        var at = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var history in histories)
        {
            var id = await CreateIdAsync(_sales, new { firstName = $"Inexact{expected.Count}", tags = new[] { tag } });
            foreach (var total in history)
            {
                at = at.AddMinutes(1);
                await AddTransactionAsync(app, id, at, total);
            }

            expected.Add(id);
        }

        foreach (var sort in new[] { "revenue", "-revenue" })
        {
            var (items, _) = await WalkAsync(_sales, $"/api/v1/customers?tag={tag}&sort={sort}&limit=1");
            Ids(items).Should().BeEquivalentTo(expected).And.OnlyHaveUniqueItems();
            var revenues = items.Select(i => i.GetProperty("revenue").GetDecimal()).ToList();
            if (sort == "revenue")
            {
                revenues.Should().BeInAscendingOrder();
            }
            else
            {
                revenues.Should().BeInDescendingOrder();
            }
        }
    }

    [Fact]
    public async Task Walking_every_customer_in_every_order_returns_each_exactly_once()
    {
        for (var i = 0; i < 7; i++)
        {
            await CreateIdAsync(_sales, new { firstName = i % 2 == 0 ? "Same" : null, lastName = i % 3 == 0 ? "Walker" : null, email = $"walk{i}@example.com" });
        }

        var all = await app.WithDbAsync(db => Task.FromResult(db.Customers.Select(c => c.Id).ToList()));
        foreach (var sort in CustomerSort.Accepted)
        {
            var (items, _) = await WalkAsync(_sales, $"/api/v1/customers?sort={Uri.EscapeDataString(sort)}&limit=40");
            // Sorted comparison: as many ids as customers, each once (BeEquivalentTo is quadratic on long lists).
            Ids(items).Order().Should().Equal(all.Order(), "sort {0} must return every customer exactly once", sort);
        }
    }

    [Fact]
    public async Task Filters_matching_more_customers_than_the_candidate_limit_page_through_the_sort_index()
    {
        // Above SearchCustomers.CandidateLimit the tag and text filters are tested row by row along the sort index
        // instead of being resolved to ids first; both paths must give the same pages.
        var count = SearchCustomers.CandidateLimit + 37;
        var created = await app.WithDbAsync(async db =>
        {
            var customers = Enumerable.Range(0, count).Select(i => new Customer
            {
                FirstName = $"Bulk{i % 7}",
                LastName = i % 11 == 0 ? null : $"Crowd{i % 13:D2}",
                SearchText = Validate.Fold($"Bulk{i % 7} {(i % 11 == 0 ? null : $"Crowd{i % 13:D2}")}"),
                Source = "import",
                Tags = [new CustomerTag { Tag = "crowd" }],
            }).ToList();
            db.Customers.AddRange(customers);
            await db.SaveChangesAsync();
            return customers.Select(c => (c.Id, c.FirstName, c.LastName)).ToList();
        });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAllAsync(CancellationToken.None);
        }

        var expected = created.Where(c => c.LastName is not null).OrderBy(c => c.LastName, StringComparer.Ordinal).ThenBy(c => c.FirstName, StringComparer.Ordinal).ThenBy(c => c.Id)
            .Concat(created.Where(c => c.LastName is null).OrderBy(c => c.FirstName, StringComparer.Ordinal).ThenBy(c => c.Id))
            .Select(c => c.Id).ToList();
        Ids((await WalkAsync(_sales, "/api/v1/customers?tag=crowd&limit=200")).Items).Should().Equal(expected);
        Ids((await WalkAsync(_sales, "/api/v1/customers?q=bulk&limit=200")).Items).Should().Equal(expected);
        Ids((await WalkAsync(_sales, "/api/v1/customers?tag=crowd&q=crowd0&sort=-name&limit=200")).Items)
            .Should().Equal(Enumerable.Reverse(expected).Where(id => created.Single(c => c.Id == id).LastName?.StartsWith("Crowd0", StringComparison.Ordinal) == true));
    }

    [Theory]
    [InlineData("sort=bogus", "sort")]
    [InlineData("sort=Name", "sort")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("companyId=acme", "companyId")]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=WyJuYW1lIl0", "after")]
    public async Task Bad_list_parameters_are_400_naming_the_parameter(string query, string field)
    {
        await ExpectProblemAsync(await _sales.GetAsync($"/api/v1/customers?{query}"), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_cursor_of_another_sort_is_rejected()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateIdAsync(_sales, new { firstName = $"Cursor{i}", tags = new[] { "cursor-swap" } });
        }

        var page = await (await _sales.GetAsync("/api/v1/customers?tag=cursor-swap&sort=createdAt&limit=1")).Content.ReadFromJsonAsync<JsonElement>();
        var next = page.GetProperty("next").GetString()!;
        await ExpectProblemAsync(await _sales.GetAsync($"/api/v1/customers?tag=cursor-swap&sort=name&limit=1&after={next}"), HttpStatusCode.BadRequest, "after");
    }

    /// <summary>Imports may store a customer with neither name nor email (only a phone); the API never creates one.</summary>
    private async Task<long> InsertNamelessAsync(string tag)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var customer = new Customer { Phone = "+1 555 0100", Source = "import", Tags = [new CustomerTag { Tag = tag }] };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAsync(customer.Id, CancellationToken.None);
        return customer.Id;
    }
}
