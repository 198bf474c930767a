using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Products;

public sealed class ProductAccentSearchTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Search_ignores_case_and_accents_in_names_on_every_provider()
    {
        var marketing = app.ClientAs(Role.Marketing);
        (await marketing.PostAsJsonAsync("/api/v1/products", new { sku = "CAF-1", name = "Café Crème Blend", currency = "USD" })).EnsureSuccessStatusCode();
        (await marketing.PostAsJsonAsync("/api/v1/products", new { sku = "TEA-1", name = "ÉCLAIR Earl Grey", currency = "USD" })).EnsureSuccessStatusCode();

        foreach (var (q, expected) in new[] { ("cafe creme", "CAF-1"), ("CAFÉ", "CAF-1"), ("eclair", "TEA-1"), ("éclair", "TEA-1"), ("tea-1", "TEA-1") })
        {
            var page = await marketing.GetFromJsonAsync<JsonElement>($"/api/v1/products?q={Uri.EscapeDataString(q)}");
            page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sku").GetString()).Should().Equal([expected], $"'{q}' should find {expected}");
        }
    }

    [Fact]
    public async Task Products_sort_by_name_without_regard_to_accents()
    {
        var marketing = app.ClientAs(Role.Marketing);
        foreach (var (sku, name) in new[] { ("S-1", "Zebra Mug"), ("S-2", "Éthiopie Yirgacheffe"), ("S-3", "Espresso Cup") })
        {
            (await marketing.PostAsJsonAsync("/api/v1/products", new { sku, name, currency = "USD" })).EnsureSuccessStatusCode();
        }

        var page = await marketing.GetFromJsonAsync<JsonElement>("/api/v1/products?q=s-");
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString())
            .Should().Equal("Espresso Cup", "Éthiopie Yirgacheffe", "Zebra Mug");
    }
}
